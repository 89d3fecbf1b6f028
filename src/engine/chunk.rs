//! Several tokenizers a chunk at a time. With more than one tokenizer, the documents of a chunk
//! of lines (or a decoded block) are counted by the primary tokenizer as they are read and kept
//! (their texts one after the other in one buffer, with their date and domain), until about
//! [`CHUNK_TEXT_BYTES`] of text wait; then each other tokenizer counts all of them in turn, and
//! they are recorded in the order they were read. Each tokenizer's tables and piece cache so
//! stay in the processor's caches for a whole chunk, instead of taking turns document by
//! document.
//!
//! What is recorded is exactly what [`count_document`] records for each document in turn: a
//! refusal by any tokenizer is an error for that document (the first refusal, in the run's
//! order of tokenizers), which no tokenizer then counts; dates and domains are worked out once.

use super::accumulator::{Accumulator, LineRef};
use super::scan::{Counted, MoreCounters, Target, count_document, record_counted, refused_by};
use crate::count::Counter;
use crate::error::ErrorKind;
use crate::read::Document;
use crate::stats::Dating;
use std::ops::Range;

/// How many bytes of text wait for the tokenizers after the primary one before they count
/// them; a longer document is counted on its own, as it is read.
pub const CHUNK_TEXT_BYTES: usize = 1 << 20;

/// One document counted by the primary tokenizer, waiting for the others.
#[derive(Debug)]
struct Waiting {
    at: LineRef,
    /// Where its text sits in the chunk's texts.
    text: Range<usize>,
    /// Where its registered domain sits in the chunk's domains, when it has one.
    domain: Option<Range<usize>>,
    dating: Dating,
    /// Its tokens under the primary tokenizer.
    tokens: u64,
    /// The first refusal by a tokenizer, which makes the document an error.
    refused: Option<String>,
}

/// The documents of one chunk that wait for the tokenizers after the primary one.
#[derive(Debug)]
pub struct DocumentChunk {
    documents: Vec<Waiting>,
    texts: String,
    domains: String,
    /// Each waiting document's tokens under each tokenizer after the primary, document by
    /// document.
    more_tokens: Vec<u64>,
    /// How many bytes of text may wait.
    limit: usize,
}

impl Default for DocumentChunk {
    fn default() -> Self {
        Self::with_limit(CHUNK_TEXT_BYTES)
    }
}

impl DocumentChunk {
    /// An empty chunk that counts its documents once `limit` bytes of text wait.
    pub fn with_limit(limit: usize) -> Self {
        DocumentChunk {
            documents: Vec::new(),
            texts: String::new(),
            domains: String::new(),
            more_tokens: Vec::new(),
            limit,
        }
    }

    /// Counts `document` of `target` with `counter` and keeps it for `more`, counting the chunk
    /// when it is full (a document longer than the limit is counted on its own, after those
    /// waiting); returns the primary tokens of the documents recorded.
    pub fn add(
        &mut self,
        counter: &dyn Counter,
        more: &MoreCounters<'_>,
        acc: &mut Accumulator,
        target: Target,
        document: Document<'_>,
    ) -> u64 {
        let Document { text, fields, at } = document;
        if text.len() > self.limit {
            let waiting = self.count(more, acc, target);
            return waiting
                + count_document(counter, more, acc, target, text, fields, at).unwrap_or(0);
        }
        let mut waiting = Waiting {
            at,
            text: 0..0,
            domain: None,
            dating: Dating::Undated,
            tokens: 0,
            refused: None,
        };
        match counter.count(text) {
            Ok(tokens) => {
                let rule = acc.rule(target.source);
                let (buf, scratch) = &mut acc.scratch;
                waiting.tokens = tokens;
                waiting.dating = rule.dating(&fields);
                waiting.domain = rule
                    .domain(&fields, buf, scratch)
                    .map(|domain| append(&mut self.domains, domain));
                waiting.text = append(&mut self.texts, text);
            }
            Err(refusal) => waiting.refused = Some(refusal.0),
        }
        self.documents.push(waiting);
        match self.texts.len() >= self.limit {
            true => self.count(more, acc, target),
            false => 0,
        }
    }

    /// Counts the waiting documents with each of `more` in turn and records them into `acc`,
    /// in the order they came; returns their primary tokens.
    pub fn count(&mut self, more: &MoreCounters<'_>, acc: &mut Accumulator, target: Target) -> u64 {
        let width = more.len();
        self.more_tokens.clear();
        self.more_tokens.resize(self.documents.len() * width, 0);
        for (i, (name, counter)) in more.iter().enumerate() {
            for (d, waiting) in self.documents.iter_mut().enumerate() {
                if waiting.refused.is_some() {
                    continue;
                }
                match counter.count(&self.texts[waiting.text.clone()]) {
                    Ok(tokens) => self.more_tokens[d * width + i] = tokens,
                    Err(refusal) => {
                        waiting.refused = Some(refused_by(name, refusal.0));
                    }
                }
            }
        }
        let mut counted = 0;
        for (d, waiting) in self.documents.drain(..).enumerate() {
            if let Some(message) = waiting.refused {
                acc.error_msg(target.file, waiting.at, ErrorKind::Tokenizer, message);
                continue;
            }
            let document = Counted {
                text: &self.texts[waiting.text],
                dating: waiting.dating,
                domain: waiting.domain.map(|range| &self.domains[range]),
                tokens: waiting.tokens,
                more_tokens: &self.more_tokens[d * width..(d + 1) * width],
            };
            record_counted(acc, target.source, document);
            counted += waiting.tokens;
        }
        self.texts.clear();
        self.domains.clear();
        counted
    }
}

/// Appends `text` to `to`; where it sits there.
fn append(to: &mut String, text: &str) -> Range<usize> {
    let start = to.len();
    to.push_str(text);
    start..to.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::TokenizerError;
    use crate::plan::Source;
    use crate::provenance::{FieldValue, RecordFields};
    use crate::stats::Category;

    /// Counts `weight` tokens per word plus one; refuses a text holding `refuses`.
    struct Words {
        weight: u64,
        refuses: &'static str,
    }

    impl Counter for Words {
        fn count(&self, text: &str) -> Result<u64, TokenizerError> {
            match text.contains(self.refuses) {
                true => Err(TokenizerError(format!("{} refused", self.refuses))),
                false => Ok(1 + self.weight * text.split_whitespace().count() as u64),
            }
        }

        fn route(&self) -> &'static str {
            "words"
        }
    }

    /// Documents with dates and URLs, refusals by each tokenizer, and one long text.
    fn documents() -> Vec<(String, Option<&'static str>, Option<&'static str>)> {
        let long = "long text ".repeat(40);
        let mut documents = Vec::new();
        for i in 0..30 {
            let text = match i % 7 {
                0 => format!("first{i} refuses"),
                3 => format!("document {i} with second and third"),
                4 => format!("only third in {i}"),
                5 => long.clone(),
                _ => format!("document {i} of a few words"),
            };
            let date = [None, Some("\"2023-05-01\""), Some("1700000000")][i % 3];
            let url = [Some("\"https://a.example.org/x\""), None][i % 2];
            documents.push((text, date, url));
        }
        documents
    }

    /// An accumulator for one source with date and URL fields.
    fn accumulator() -> Accumulator {
        let mut source = Source::new("s".into(), Category::Other, "text".into());
        source.date_field = Some("date".into());
        source.url_field = Some("url".into());
        Accumulator::new(&[source])
    }

    /// Everything `acc` holds but its reused buffers (for domains, and for the last document's
    /// tokens under the other tokenizers), which are no result.
    fn results(acc: &mut Accumulator) -> String {
        acc.scratch = Default::default();
        acc.more_tokens = Vec::new();
        format!("{acc:?}")
    }

    #[test]
    fn a_chunk_records_what_counting_each_document_in_turn_records() {
        let primary = Words {
            weight: 1,
            refuses: "first",
        };
        let second = Words {
            weight: 2,
            refuses: "second",
        };
        let third = Words {
            weight: 3,
            refuses: "third",
        };
        let more: Vec<(&str, &dyn Counter)> = vec![("second", &second), ("third", &third)];
        let target = Target { file: 0, source: 0 };
        let documents = documents();
        let each = |index: usize| {
            let (text, date, url) = &documents[index];
            let fields = RecordFields {
                date: date.map(FieldValue::Json),
                url: url.map(FieldValue::Json),
            };
            let at = LineRef::Line(index as u64 + 1);
            Document { text, fields, at }
        };
        let mut expected = accumulator();
        let mut expected_tokens = 0;
        for i in 0..documents.len() {
            let Document { text, fields, at } = each(i);
            let acc = &mut expected;
            expected_tokens +=
                count_document(&primary, &more, acc, target, text, fields, at).unwrap_or(0);
        }
        let expected = results(&mut expected);
        let errors = expected.matches("kind: Tokenizer").count();
        assert_eq!(
            errors,
            5 + 4 + 4,
            "refusals by each tokenizer, the first one's"
        );
        for limit in [1, 40, 200, 1 << 20] {
            let mut acc = accumulator();
            let mut chunk = DocumentChunk::with_limit(limit);
            let mut tokens = 0;
            for i in 0..documents.len() {
                tokens += chunk.add(&primary, &more, &mut acc, target, each(i));
            }
            tokens += chunk.count(&more, &mut acc, target);
            assert_eq!(results(&mut acc), expected, "limit {limit}");
            assert_eq!(tokens, expected_tokens, "limit {limit}");
        }
    }
}
