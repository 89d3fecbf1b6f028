//! Cutting a long text into parts that the `tokenizers` crate encodes one at a time, so that the
//! reference route never holds the crate's whole-document state (about 90 bytes per byte of
//! text) for a long document. The counts of the parts add up to the count of the whole text:
//!
//! - cuts fall only between added tokens and the stretches around them (the crate splits added
//!   tokens out first, leftmost-longest, and each stretch goes through the rest of its pipeline
//!   on its own), or inside a stretch where its pipeline provably splits too: between
//!   pre-tokens of a byte-level BPE tokenizer where the part's own pieces are the whole
//!   stretch's ([`PieceGroups`] checks it with the fast route's scanner, which equals the
//!   crate's regex), where no SentencePiece merge can cross, before whitespace for BERT;
//! - a single pre-token (or word) longer than a part, or a stretch whose pieces cannot be cut
//!   safely, is counted by the fast route's own exact loops (see `lean_merge`): a part says so.

use super::added::AddedTokens;
use super::cache::CACHE;
use super::{FastCounter, Model};

/// One part of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'t> {
    /// A stretch for the crate to encode on its own (without special tokens).
    Encode(&'t str),
    /// The tokens of a stretch counted by the fast route.
    Counted(u64),
}

/// Cuts texts into [`Part`]s for one tokenizer.
pub trait Parts: Send + Sync {
    /// Calls `part` with parts covering `text` in order: stretches of at most `max` bytes for
    /// the crate, and counted stretches.
    fn for_each_part<'t>(&self, text: &'t str, max: usize, part: &mut dyn FnMut(Part<'t>));
}

/// Groups the segments of `text` (stretches and the added tokens between them, or the whole text
/// when there are none) into parts of at most `max` bytes, cutting only between segments; a
/// stretch longer than `max` is handed to `long` to be cut further.
pub(super) fn group_segments<'t>(
    text: &'t str,
    max: usize,
    added: Option<&AddedTokens>,
    part: &mut dyn FnMut(Part<'t>),
    mut long: impl FnMut(&'t str, &mut dyn FnMut(Part<'t>)),
) {
    let mut start = 0;
    {
        let mut each = |a: usize, b: usize, token: bool| {
            if b - start <= max {
                return;
            }
            if a > start {
                part(Part::Encode(&text[start..a]));
            }
            start = a;
            if b - a > max {
                match token {
                    true => part(Part::Encode(&text[a..b])),
                    false => long(&text[a..b], &mut *part),
                }
                start = b;
            }
        };
        match added {
            Some(added) => added.for_each_segment(text, &mut each),
            None => each(0, text.len(), false),
        }
    }
    if start < text.len() {
        part(Part::Encode(&text[start..]));
    }
}

/// How the pieces of a stretch are counted and checked.
pub(super) trait PieceCounting {
    /// Whether `region`, pre-tokenized alone, gives pieces ending at `ends` (offsets from the
    /// region's start), as it does inside its stretch.
    fn splits_alike(&self, region: &str, ends: &[usize]) -> bool;
    /// The tokens of one piece.
    fn count_piece(&self, piece: &str) -> u64;
}

/// The pieces of one long stretch, grouped into parts of at most `max` bytes.
pub(super) struct PieceGroups<'t, 'p, C> {
    stretch: &'t str,
    max: usize,
    /// Where the pending pieces start.
    start: usize,
    /// Where each pending piece ends, from the stretch's start.
    ends: Vec<usize>,
    part: &'p mut dyn FnMut(Part<'t>),
    counting: &'p C,
}

impl<'t, 'p, C: PieceCounting> PieceGroups<'t, 'p, C> {
    /// Groups for `stretch`, handing parts to `part`.
    pub fn new(
        stretch: &'t str,
        max: usize,
        counting: &'p C,
        part: &'p mut dyn FnMut(Part<'t>),
    ) -> Self {
        let (start, ends) = (0, Vec::new());
        Self {
            stretch,
            max,
            start,
            ends,
            part,
            counting,
        }
    }

    /// Takes the next piece, `start..end` of the stretch (a piece's pointer into it).
    pub fn push(&mut self, piece: &str) {
        let a = piece.as_ptr() as usize - self.stretch.as_ptr() as usize;
        let b = a + piece.len();
        if b - self.start > self.max {
            self.flush(a, false);
            if b - a > self.max {
                (self.part)(Part::Counted(self.counting.count_piece(piece)));
                self.start = b;
                return;
            }
        }
        self.ends.push(b);
    }

    /// Hands out the pieces before byte `end` of the stretch (`last`: the stretch ends there, as
    /// it does for the crate).
    fn flush(&mut self, end: usize, last: bool) {
        if end > self.start {
            let region = &self.stretch[self.start..end];
            let relative: Vec<usize> = self.ends.iter().map(|e| e - self.start).collect();
            if last || self.counting.splits_alike(region, &relative) {
                (self.part)(Part::Encode(region));
            } else {
                let mut from = 0;
                let mut tokens = 0;
                for &to in &relative {
                    tokens += self.counting.count_piece(&region[from..to]);
                    from = to;
                }
                (self.part)(Part::Counted(tokens));
            }
        }
        self.start = end;
        self.ends.clear();
    }

    /// Hands out the last pieces.
    pub fn finish(mut self) {
        let end = self.stretch.len();
        self.flush(end, true);
    }
}

/// Byte-level BPE: pieces from the `Split` regex's scanner.
struct ByteLevelPieces<'c>(&'c FastCounter);

impl PieceCounting for ByteLevelPieces<'_> {
    fn splits_alike(&self, region: &str, ends: &[usize]) -> bool {
        let Model::ByteLevel { pattern, .. } = &self.0.model else {
            return false;
        };
        let (mut k, mut alike) = (0, true);
        let base = region.as_ptr() as usize;
        pattern.for_each_piece(region, |piece| {
            let end = piece.as_ptr() as usize - base + piece.len();
            alike &= ends.get(k) == Some(&end);
            k += 1;
        });
        alike && k == ends.len()
    }

    fn count_piece(&self, piece: &str) -> u64 {
        self.0.count_pieces(|each| each(piece))
    }
}

/// SentencePiece BPE: pieces cut where no merge can cross, whatever the context.
struct SentencePieces<'c>(&'c FastCounter);

impl PieceCounting for SentencePieces<'_> {
    fn splits_alike(&self, _: &str, _: &[usize]) -> bool {
        true
    }

    fn count_piece(&self, piece: &str) -> u64 {
        self.0.count_pieces(|each| each(piece))
    }
}

impl FastCounter {
    /// The tokens of the pieces `pieces` hands out (each a whole pre-token), without added
    /// tokens or special tokens.
    fn count_pieces(&self, pieces: impl FnOnce(&mut dyn FnMut(&str))) -> u64 {
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.owner.id());
            let mut tokens = 0u64;
            pieces(&mut |piece| {
                tokens += u64::from(match &self.model {
                    Model::ByteLevel { model, .. } => {
                        cache.count(piece.as_bytes(), |p, scratch| model.count(p, scratch))
                    }
                    Model::SentencePiece(model) => {
                        cache.count(piece.as_bytes(), |_, scratch| model.count(piece, scratch))
                    }
                });
            });
            tokens
        })
    }

    /// Cuts one stretch (no added tokens) longer than `max` into parts.
    fn long_stretch<'t>(&self, stretch: &'t str, max: usize, part: &mut dyn FnMut(Part<'t>)) {
        match &self.model {
            Model::ByteLevel { pattern, nfc, .. } => {
                // Pieces of text that NFC changes are found on its normalized form, which does
                // not line up with the raw text the crate is given: such a stretch is counted
                // whole by the fast route.
                if *nfc && !stretch.is_ascii() && !super::nfc::is_nfc_quick_yes(stretch) {
                    let tokens = CACHE.with(|cell| {
                        let mut cache = cell.borrow_mut();
                        cache.claim(self.owner.id());
                        self.count_segment(stretch, &mut cache)
                    });
                    return part(Part::Counted(tokens));
                }
                let counting = ByteLevelPieces(self);
                let mut groups = PieceGroups::new(stretch, max, &counting, part);
                pattern.for_each_piece(stretch, |piece| groups.push(piece));
                groups.finish();
            }
            Model::SentencePiece(model) => {
                let counting = SentencePieces(self);
                let mut groups = PieceGroups::new(stretch, max, &counting, part);
                model.for_each_piece(stretch, |piece| groups.push(piece));
                groups.finish();
            }
        }
    }
}

impl Parts for FastCounter {
    fn for_each_part<'t>(&self, text: &'t str, max: usize, part: &mut dyn FnMut(Part<'t>)) {
        group_segments(text, max, self.added.as_ref(), part, |stretch, part| {
            self.long_stretch(stretch, max, part)
        });
    }
}

/// The part cutter for a parsed `tokenizer.json` whose shape a fast route knows (byte-level BPE,
/// SentencePiece BPE, BERT WordPiece), if it has one.
pub fn parts_for(json: &serde_json::Value) -> Option<Box<dyn Parts>> {
    if let Ok(fast) = FastCounter::new(json, 0) {
        return Some(Box::new(fast));
    }
    let model = super::wordpiece::WordPieceModel::from_json(json).ok()?;
    let spec = super::bert::BertSpec::from_json(json).ok()?;
    Some(Box::new(super::bert::BertCounter::new(spec, model, 0)))
}
