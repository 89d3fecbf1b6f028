//! Drawing documents inside compressed streams as they pass: every document of a stream is
//! offered to the draw, which tallies its stratum's documents and text bytes (so that they are
//! known exactly) and says whether it is one of the stratum's drawn lines ([`design::stream_draws`]);
//! only those are tokenized, and their tokens come back. The strata of a source's streams are
//! then pooled, in plan and line order, until each holds at least two drawn documents, for the
//! ratio estimator of tokens over the text bytes ([`collapse`]).

use super::design::{self, StreamPlan};
use super::estimator::StratumSample;
use crate::engine::RecordDraw;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// A drawn document: its line, its text bytes, and its tokens once counted (`None` before).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrawnDocument {
    /// Its line (from 1).
    pub line: u64,
    /// Its text bytes.
    pub bytes: u64,
    /// Its tokens, once counted (under the primary tokenizer).
    pub tokens: Option<u64>,
    /// Its tokens under each tokenizer after the primary one, once counted (empty with one).
    pub more_tokens: Vec<u64>,
}

impl DrawnDocument {
    /// The document as tokenizer `k` after the primary one (from 0) counted it.
    fn under_tokenizer(&self, k: usize) -> DrawnDocument {
        DrawnDocument {
            line: self.line,
            bytes: self.bytes,
            tokens: self.tokens.and(self.more_tokens.get(k).copied()),
            more_tokens: Vec::new(),
        }
    }
}

/// What one stratum of a stream held: every document's count and text bytes, and the drawn ones;
/// documents of at least the stream's certainty size are counted apart, all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StratumTally {
    /// Documents (lines that held a text) below the certainty size.
    pub documents: u64,
    /// Their text bytes.
    pub bytes: u64,
    /// The documents of at least the certainty size, every one counted.
    pub certain: Vec<DrawnDocument>,
    /// The drawn positions among the stratum's lines (from 0, sorted).
    positions: Vec<u64>,
    /// The drawn documents (in the order they were offered while counting, by line after).
    pub drawn: Vec<DrawnDocument>,
}

impl StratumTally {
    /// The stratum with its documents' tokens under tokenizer `k` after the primary one (from
    /// 0) in place of the primary's: what the same draw measured under that tokenizer.
    pub fn under_tokenizer(&self, k: usize) -> StratumTally {
        let under = |documents: &[DrawnDocument]| -> Vec<DrawnDocument> {
            documents.iter().map(|d| d.under_tokenizer(k)).collect()
        };
        StratumTally {
            documents: self.documents,
            bytes: self.bytes,
            certain: under(&self.certain),
            positions: self.positions.clone(),
            drawn: under(&self.drawn),
        }
    }
}

/// The draws inside every stream of one estimate: what the engine consults (through
/// [`BatchDraw`]) while it reads them.
#[derive(Debug)]
pub struct StreamDraw {
    fraction: f64,
    /// Lines per stratum.
    lines: u64,
    /// Per stream: its seed, its certainty size and its strata by index.
    streams: Vec<([u8; 32], u64, Strata)>,
}

/// A stream's strata by index, as its blocks' documents are offered from any thread.
type Strata = Mutex<BTreeMap<u64, StratumTally>>;

impl StreamDraw {
    /// The draws at `fraction` inside `streams` (numbered by their place in this list).
    pub fn new(fraction: f64, streams: &[StreamPlan]) -> Self {
        StreamDraw {
            fraction,
            lines: design::stream_stratum_lines(fraction),
            streams: (streams.iter())
                .map(|s| (s.seed, s.certain_bytes, Mutex::new(BTreeMap::new())))
                .collect(),
        }
    }

    fn tally(&self, stream: usize) -> std::sync::MutexGuard<'_, BTreeMap<u64, StratumTally>> {
        let tally = &self.streams[stream].2;
        tally.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Offers the document on line `line` (from 1) of stream `stream`, of `bytes` text bytes:
    /// tallied, and whether it is drawn.
    pub fn offer(&self, stream: usize, line: u64, bytes: u64) -> bool {
        let index = line.saturating_sub(1);
        let (stratum, position) = (index / self.lines, index % self.lines);
        let (seed, certain) = (&self.streams[stream].0, self.streams[stream].1);
        let mut strata = self.tally(stream);
        let tally = strata.entry(stratum).or_insert_with(|| StratumTally {
            positions: design::stream_draws(seed, stratum, self.lines, self.fraction),
            ..StratumTally::default()
        });
        if bytes >= certain {
            tally.certain.push(DrawnDocument {
                line,
                bytes,
                ..DrawnDocument::default()
            });
            return true;
        }
        tally.documents += 1;
        tally.bytes += bytes;
        let drawn = tally.positions.binary_search(&position).is_ok();
        if drawn {
            tally.drawn.push(DrawnDocument {
                line,
                bytes,
                ..DrawnDocument::default()
            });
        }
        drawn
    }

    /// The drawn document on line `line` of stream `stream` counted `tokens` under every
    /// tokenizer (the primary first); one a tokenizer refused (`None`) is no document, as in a
    /// count, and leaves the tally.
    pub fn counted(&self, stream: usize, line: u64, tokens: Option<&[u64]>) {
        let stratum = line.saturating_sub(1) / self.lines;
        let mut strata = self.tally(stream);
        let Some(tally) = strata.get_mut(&stratum) else {
            return;
        };
        let record = |document: &mut DrawnDocument, tokens: &[u64]| {
            document.tokens = tokens.first().copied();
            document.more_tokens = tokens.get(1..).unwrap_or_default().to_vec();
        };
        if let Some(at) = tally.certain.iter().position(|d| d.line == line) {
            match tokens {
                Some(tokens) => record(&mut tally.certain[at], tokens),
                None => _ = tally.certain.remove(at),
            }
            return;
        }
        let Some(at) = tally.drawn.iter().position(|d| d.line == line) else {
            return;
        };
        match tokens {
            Some(tokens) => record(&mut tally.drawn[at], tokens),
            None => {
                let refused = tally.drawn.remove(at);
                tally.documents -= 1;
                tally.bytes -= refused.bytes;
            }
        }
    }

    /// Forgets what stream `stream` held (a file the count kept nothing of).
    pub fn forget(&self, stream: usize) {
        self.tally(stream).clear();
    }

    /// The strata of stream `stream`, in line order, their drawn documents too (whatever order
    /// threads offered them in, so that the estimate's sums are added in one order).
    pub fn strata(&self, stream: usize) -> Vec<StratumTally> {
        let mut strata: Vec<StratumTally> = self.tally(stream).values().cloned().collect();
        for stratum in &mut strata {
            stratum.drawn.sort_unstable_by_key(|d| d.line);
            stratum.certain.sort_unstable_by_key(|d| d.line);
        }
        strata
    }
}

/// The draw the engine consults for one batch of slots: its plan's files mapped to streams.
#[derive(Debug)]
pub struct BatchDraw {
    /// The estimate's draws.
    pub draw: Arc<StreamDraw>,
    /// Per file of the batch's plan, its stream (`None`: counted whole).
    pub streams: Vec<Option<usize>>,
}

impl RecordDraw for BatchDraw {
    fn draws(&self, file: usize) -> bool {
        self.streams.get(file).is_some_and(Option::is_some)
    }

    fn offer(&self, file: usize, line: u64, bytes: u64) -> bool {
        match self.streams.get(file) {
            Some(Some(stream)) => self.draw.offer(*stream, line, bytes),
            _ => true,
        }
    }

    fn counted(&self, file: usize, line: u64, tokens: Option<&[u64]>) {
        if let Some(Some(stream)) = self.streams.get(file) {
            self.draw.counted(*stream, line, tokens);
        }
    }
}

/// A source's streams summed up: documents and text bytes (exact), documents drawn and counted;
/// and apart, the documents of at least the certainty size (all counted) and their tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamTotals {
    /// Documents in every stream, certain ones included.
    pub documents: u64,
    /// Their text bytes.
    pub bytes: u64,
    /// Documents drawn and counted, certain ones included.
    pub drawn: u64,
    /// Documents of at least the certainty size.
    pub certain: u64,
    /// Their text bytes.
    pub certain_bytes: u64,
    /// Their tokens.
    pub certain_tokens: u64,
}

impl StreamTotals {
    /// The totals of `strata`.
    pub fn of<'a>(strata: impl IntoIterator<Item = &'a StratumTally>) -> Self {
        strata.into_iter().fold(StreamTotals::default(), |t, s| {
            let drawn = s.drawn.iter().filter(|d| d.tokens.is_some()).count() as u64;
            let certain = s.certain.iter().filter_map(|d| Some((d.bytes, d.tokens?)));
            let (count, bytes, tokens) = certain.fold((0, 0, 0), |(c, b, t), (bytes, tokens)| {
                (c + 1, b + bytes, t + tokens)
            });
            StreamTotals {
                documents: t.documents + s.documents + count,
                bytes: t.bytes + s.bytes + bytes,
                drawn: t.drawn + drawn + count,
                certain: t.certain + count,
                certain_bytes: t.certain_bytes + bytes,
                certain_tokens: t.certain_tokens + tokens,
            }
        })
    }

    /// Whether too few documents below the certainty size were drawn to estimate their tokens
    /// with a variance: fewer than two, while some were left out.
    pub fn too_few(&self) -> bool {
        let (drawn, documents) = (self.drawn - self.certain, self.documents - self.certain);
        drawn < 2 && drawn < documents
    }
}

/// The strata of a source's streams (in plan and line order) for the ratio estimator of tokens
/// over text bytes: each of `N` documents with the `(bytes, tokens)` of its drawn ones. A
/// stratum with fewer than two drawn documents (the last, partial one of a stream, or one whose
/// drawn lines held no text) joins the next ones until two are drawn; a last such run joins the
/// stratum before it. Every document had the same chance to be drawn, so pooled strata only
/// make the variance a little larger.
pub fn collapse<'a>(strata: impl IntoIterator<Item = &'a StratumTally>) -> Vec<StratumSample> {
    let mut pooled: Vec<StratumSample> = Vec::new();
    let mut pending = StratumSample {
        units: 0,
        drawn: Vec::new(),
    };
    for stratum in strata {
        pending.units += stratum.documents;
        let counted = stratum
            .drawn
            .iter()
            .filter_map(|d| Some((d.bytes, d.tokens?)));
        pending
            .drawn
            .extend(counted.map(|(bytes, tokens)| (bytes as f64, tokens as f64)));
        let n = pending.drawn.len() as u64;
        if n >= 2 || (n == pending.units && n > 0) {
            pooled.push(std::mem::replace(
                &mut pending,
                StratumSample {
                    units: 0,
                    drawn: Vec::new(),
                },
            ));
        }
    }
    if pending.units > 0 {
        match pooled.last_mut() {
            Some(last) => {
                last.units += pending.units;
                last.drawn.extend(pending.drawn);
            }
            None => pooled.push(pending),
        }
    }
    pooled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans(n: usize) -> Vec<StreamPlan> {
        (0..n)
            .map(|i| StreamPlan {
                file: i,
                seed: design::stream_seed(3, "src", i as u64),
                certain_bytes: 1000,
            })
            .collect()
    }

    /// Offers the documents on `lines`, of 10 bytes each, to stream 0, counting each drawn one as 3
    /// tokens; returns the drawn lines.
    fn offer_all(draw: &StreamDraw, lines: impl Iterator<Item = u64>) -> Vec<u64> {
        let mut drawn = Vec::new();
        for line in lines {
            if draw.offer(0, line, 10) {
                draw.counted(0, line, Some(&[3]));
                drawn.push(line);
            }
        }
        drawn
    }

    #[test]
    fn draws_depend_on_lines_only_and_tallies_are_exact() {
        let forward = StreamDraw::new(0.05, &plans(1));
        let drawn = offer_all(&forward, 1..=1000);
        // Offered in another order (blocks counted by other threads), the same lines are drawn.
        let shuffled = StreamDraw::new(0.05, &plans(1));
        let mut again = offer_all(&shuffled, (1..=1000).rev());
        again.sort_unstable();
        assert_eq!(drawn, again);
        assert_eq!(forward.strata(0), shuffled.strata(0));
        // 25 strata of 40 lines, 2 drawn from each.
        assert_eq!(drawn.len(), 50);
        let totals = StreamTotals::of(&forward.strata(0));
        assert_eq!(
            totals,
            StreamTotals {
                documents: 1000,
                bytes: 10_000,
                drawn: 50,
                ..StreamTotals::default()
            }
        );
        assert!(!totals.too_few());
    }

    #[test]
    fn documents_of_the_certainty_size_are_all_counted_apart() {
        let draw = StreamDraw::new(0.05, &plans(1));
        let mut counted = 0;
        for line in 1..=400u64 {
            let bytes = if line.is_multiple_of(50) { 1000 } else { 10 };
            if draw.offer(0, line, bytes) {
                draw.counted(0, line, Some(&[bytes / 2]));
                counted += 1;
            }
        }
        let totals = StreamTotals::of(&draw.strata(0));
        // 8 large documents, all counted; 2 drawn of the others in each of 10 strata (a large
        // document on a drawn position takes that draw's place).
        assert_eq!(
            (totals.certain, totals.certain_bytes, totals.certain_tokens),
            (8, 8000, 4000)
        );
        assert_eq!((totals.documents, totals.bytes), (400, 392 * 10 + 8000));
        assert_eq!(totals.drawn, counted);
        assert!((24..=28).contains(&counted), "{counted}");
        let pooled = collapse(&draw.strata(0));
        assert_eq!(pooled.iter().map(|s| s.units).sum::<u64>(), 392);
        assert!(!totals.too_few());
    }

    #[test]
    fn refused_documents_leave_the_tally_and_forgotten_streams_are_empty() {
        let draw = StreamDraw::new(0.5, &plans(2));
        let mut refused = None;
        for line in 1..=20 {
            if draw.offer(1, line, 7) {
                let tokens = if refused.is_none() {
                    None
                } else {
                    Some(&[2][..])
                };
                refused.get_or_insert(line);
                draw.counted(1, line, tokens);
            }
        }
        let totals = StreamTotals::of(&draw.strata(1));
        assert_eq!((totals.documents, totals.bytes), (19, 19 * 7));
        assert_eq!(totals.drawn, 9, "10 drawn, one refused");
        draw.forget(1);
        assert!(draw.strata(1).is_empty());
        assert_eq!(StreamTotals::of(&draw.strata(0)), StreamTotals::default());
    }

    #[test]
    fn every_tokenizer_is_seen_through_the_same_draw() {
        let draw = StreamDraw::new(0.05, &plans(1));
        for line in 1..=400u64 {
            let bytes = if line == 100 { 1000 } else { 10 };
            if draw.offer(0, line, bytes) {
                draw.counted(0, line, Some(&[line, 2 * line, 3 * line]));
            }
        }
        let strata = draw.strata(0);
        let totals = StreamTotals::of(&strata);
        for k in 0..2 {
            let under: Vec<StratumTally> = strata.iter().map(|s| s.under_tokenizer(k)).collect();
            let seen = StreamTotals::of(&under);
            // The same documents, bytes and draws; the certain document's tokens under `k`.
            assert_eq!(
                (seen.documents, seen.bytes, seen.drawn),
                (400, 399 * 10 + 1000, totals.drawn)
            );
            assert_eq!(seen.certain_tokens, 100 * (k as u64 + 2));
            let (primary, other) = (collapse(&strata), collapse(&under));
            for (p, o) in primary.iter().zip(&other) {
                assert_eq!(p.units, o.units);
                let scaled: Vec<(f64, f64)> = (p.drawn.iter())
                    .map(|&(x, y)| (x, y * (k as f64 + 2.0)))
                    .collect();
                assert_eq!(o.drawn, scaled);
            }
        }
    }

    #[test]
    fn collapsed_strata_hold_two_drawn_documents_each() {
        let tally = |documents: u64, drawn: &[u64]| StratumTally {
            documents,
            bytes: documents * 10,
            certain: Vec::new(),
            positions: Vec::new(),
            drawn: (drawn.iter())
                .map(|&line| DrawnDocument {
                    line,
                    bytes: 10,
                    tokens: Some(line),
                    more_tokens: Vec::new(),
                })
                .collect(),
        };
        let strata = [
            tally(40, &[1, 2]),
            tally(40, &[3]),
            tally(12, &[]),
            tally(40, &[4, 5]),
            tally(5, &[6]),
        ];
        let pooled = collapse(&strata);
        let shape: Vec<(u64, usize)> = pooled.iter().map(|s| (s.units, s.drawn.len())).collect();
        // The lone draws of the 2nd and 3rd strata wait for the 4th; the last joins it too.
        assert_eq!(shape, [(40, 2), (97, 4)]);
        assert_eq!(pooled.iter().map(|s| s.units).sum::<u64>(), 137);
        // A single document, drawn: exact.
        let one = collapse(&[tally(1, &[9])]);
        assert_eq!((one[0].units, one[0].drawn.len()), (1, 1));
        // One drawn of many: too few for a variance.
        assert!(StreamTotals::of(&[tally(30, &[1])]).too_few());
        assert!(!StreamTotals::of(&[tally(1, &[1])]).too_few());
    }
}
