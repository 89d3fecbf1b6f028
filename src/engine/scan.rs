//! The engine's side of reading: `Counting` receives the items a reader hands out and counts
//! them into an accumulator. Documents are tokenized and recorded with their date and domain,
//! media are probed and tallied under their source's token models, problems are recorded where
//! they sit. Nothing here knows files, formats or threads.

use super::accumulator::{Accumulator, LineRef};
use super::chunk::DocumentChunk;
use super::media::record;
use super::{RecordDraw, Run};
use crate::count::Counter;
use crate::count::chat::{ChatTemplate, measure_conversation};
use crate::error::ErrorKind;
use crate::media::TokenModels;
use crate::provenance::RecordFields;
use crate::read::{Container, Conversation, Document, Medium, Problem, Visitor};
use crate::stats::Dating;

/// Where scanned documents are recorded: the file (for errors) and its source.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Index of the file in the plan.
    pub file: usize,
    /// Index of its source.
    pub source: usize,
}

/// The tokenizers after the primary one, with their names (empty with one tokenizer).
pub type MoreCounters<'a> = [(&'a str, &'a dyn Counter)];

/// Counts one document, with its date and URL `fields`, with `counter` and each of `more`,
/// and returns the primary's tokens (`None` when a tokenizer refused it, which is recorded as an
/// error and leaves the document uncounted by every tokenizer; the others' tokens are then in
/// `acc.more_tokens`).
pub fn count_document(
    counter: &dyn Counter,
    more: &MoreCounters<'_>,
    acc: &mut Accumulator,
    target: Target,
    text: &str,
    fields: RecordFields<'_>,
    line: LineRef,
) -> Option<u64> {
    let counted = counter.count(text).map_err(|e| e.0).and_then(|tokens| {
        count_more(more, &mut acc.more_tokens, |c| {
            c.count(text).map_err(|e| e.0)
        })?;
        Ok(tokens)
    });
    match counted {
        Ok(tokens) => {
            let rule = acc.rule(target.source);
            let (mut buf, mut scratch) = std::mem::take(&mut acc.scratch);
            let more_tokens = std::mem::take(&mut acc.more_tokens);
            let domain = rule.domain(&fields, &mut buf, &mut scratch);
            let counted = Counted {
                text,
                dating: rule.dating(&fields),
                domain,
                tokens,
                more_tokens: &more_tokens,
            };
            record_counted(acc, target.source, counted);
            acc.scratch = (buf, scratch);
            acc.more_tokens = more_tokens;
            Some(tokens)
        }
        Err(message) => {
            acc.error_msg(target.file, line, ErrorKind::Tokenizer, message);
            None
        }
    }
}

/// Counts a document with each of `more` (by `count`) into `tokens`; the first refusal, with
/// the name of the tokenizer that refused.
fn count_more<E: std::fmt::Display>(
    more: &MoreCounters<'_>,
    tokens: &mut Vec<u64>,
    count: impl Fn(&dyn Counter) -> Result<u64, E>,
) -> Result<(), String> {
    tokens.clear();
    for (name, counter) in more {
        match count(*counter) {
            Ok(n) => tokens.push(n),
            Err(message) => return Err(refused_by(name, message)),
        }
    }
    Ok(())
}

/// The error message of a document that tokenizer `name` (not the primary) refused.
pub(super) fn refused_by(name: &str, message: impl std::fmt::Display) -> String {
    format!("tokenizer {name}: {message}")
}

/// A document every tokenizer counted, as its source's tally records it.
pub(super) struct Counted<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its date, as the source's rule read it.
    pub dating: Dating,
    /// Its registered domain, when it has one.
    pub domain: Option<&'a str>,
    /// Its tokens under the primary tokenizer.
    pub tokens: u64,
    /// Its tokens under each tokenizer after the primary one.
    pub more_tokens: &'a [u64],
}

/// Records a counted document into the tally of `source` and into the processing signals.
pub(super) fn record_counted(acc: &mut Accumulator, source: usize, counted: Counted<'_>) {
    let stats = acc.stats(source);
    stats.record_document(counted.text.len() as u64, counted.tokens);
    stats.record_provenance(counted.dating, counted.domain, counted.tokens);
    stats.record_more_tokens(counted.dating, counted.more_tokens);
    acc.observe_signals(source, counted.text, counted.tokens);
}

/// Counts one conversation (chat record) as one document: its contents' bytes, its tokens
/// (rendered with `template` when there is one), its roles and turns, and its inline media
/// under `models`; returns its tokens (0 when it was refused, which is recorded as an error).
pub fn count_conversation(
    counter: &dyn Counter,
    more: &MoreCounters<'_>,
    template: Option<&ChatTemplate>,
    models: &TokenModels,
    acc: &mut Accumulator,
    target: Target,
    conversation: Conversation<'_>,
) -> u64 {
    let Conversation {
        messages_json,
        fields,
        at,
    } = conversation;
    let measured = match measure_conversation(counter, template, messages_json) {
        Ok(measured) => measured,
        Err(problem) => {
            acc.error(target.file, at, problem);
            return 0;
        }
    };
    let mut more_tokens = std::mem::take(&mut acc.more_tokens);
    if let Err(message) = count_more(more, &mut more_tokens, |c| measured.tokens_with(c)) {
        acc.more_tokens = more_tokens;
        acc.error_msg(target.file, at, ErrorKind::Tokenizer, message);
        return 0;
    }
    let rule = acc.rule(target.source);
    let (mut buf, mut scratch) = std::mem::take(&mut acc.scratch);
    let stats = acc.stats(target.source);
    stats.record_document(measured.bytes, measured.tokens);
    let domain = rule.domain(&fields, &mut buf, &mut scratch);
    let dating = rule.dating(&fields);
    stats.record_provenance(dating, domain, measured.tokens);
    stats.record_more_tokens(dating, &more_tokens);
    stats.chat.record(&measured.figures);
    let mut damaged = Vec::new();
    for medium in &measured.media {
        if let Err(message) = record(&mut stats.media, models, &medium.bytes, &medium.name) {
            damaged.push(format!("inline {}: {message}", medium.name));
        }
    }
    acc.scratch = (buf, scratch);
    acc.more_tokens = more_tokens;
    for message in damaged {
        acc.error_msg(target.file, at, ErrorKind::Media, message);
    }
    acc.observe_signals(target.source, &measured.text, measured.tokens);
    measured.tokens
}

/// Counts the items of one file (or part of one) into an accumulator.
pub(super) struct Counting<'r> {
    run: &'r Run<'r>,
    acc: &'r mut Accumulator,
    target: Target,
    /// Tokens counted since the last [`Counting::tokens`], when progress is told per batch.
    tokens: u64,
    /// Tell progress of each document's tokens as it is counted (not per batch).
    per_document: bool,
    /// With several tokenizers, a batch's documents waiting for the tokenizers after the
    /// primary one (see [`DocumentChunk`]).
    chunk: Option<DocumentChunk>,
    /// Which documents are counted, when not all are (every one is offered to it).
    draw: Option<&'r dyn RecordDraw>,
    /// A reused buffer for a drawn document's tokens under every tokenizer, the primary first.
    every_tokens: Vec<u64>,
}

impl<'r> Counting<'r> {
    /// Counts into `acc`, telling progress of each document's tokens as it is counted.
    pub fn new(run: &'r Run<'r>, acc: &'r mut Accumulator, target: Target) -> Self {
        Counting {
            run,
            acc,
            target,
            tokens: 0,
            per_document: true,
            chunk: None,
            draw: None,
            every_tokens: Vec::new(),
        }
    }

    /// Counts into `acc`, leaving progress to the caller (a batch of many small documents);
    /// with several tokenizers, each counts a chunk of documents in turn. Call
    /// [`Counting::finish`] at the end of the batch.
    pub fn batched(run: &'r Run<'r>, acc: &'r mut Accumulator, target: Target) -> Self {
        Counting {
            per_document: false,
            chunk: (!run.more.is_empty()).then(DocumentChunk::default),
            ..Counting::new(run, acc, target)
        }
    }

    /// Counts only the documents `draw` takes (all when `None`), offering it every one. A draw
    /// needs each document's tokens as it is counted: documents are then not kept for a chunk.
    pub fn drawn_by(self, draw: Option<&'r dyn RecordDraw>) -> Self {
        let chunk = if draw.is_some() { None } else { self.chunk };
        Counting {
            draw,
            chunk,
            ..self
        }
    }

    /// Counts the documents still waiting for the tokenizers after the primary one; the tokens
    /// counted by a [`Counting::batched`] counter.
    pub fn finish(mut self) -> u64 {
        self.count_waiting();
        self.tokens
    }

    /// Counts and records the documents waiting for the tokenizers after the primary one (so
    /// that whatever comes next is recorded after them).
    fn count_waiting(&mut self) {
        if let Some(chunk) = &mut self.chunk {
            self.tokens += chunk.count(&self.run.more, self.acc, self.target);
        }
    }
}

impl Visitor for Counting<'_> {
    #[inline]
    fn document(&mut self, document: Document<'_>) {
        let run = self.run;
        if let Some(chunk) = &mut self.chunk {
            self.tokens += chunk.add(run.counter, &run.more, self.acc, self.target, document);
            return;
        }
        let Document { text, fields, at } = document;
        let target = self.target;
        let tokens = match (self.draw, at) {
            (Some(draw), LineRef::Line(line)) => {
                if !draw.offer(target.file, line, text.len() as u64) {
                    return;
                }
                let counted =
                    count_document(run.counter, &run.more, self.acc, target, text, fields, at);
                let every = counted.map(|primary| {
                    self.every_tokens.clear();
                    self.every_tokens.push(primary);
                    self.every_tokens.extend_from_slice(&self.acc.more_tokens);
                    self.every_tokens.as_slice()
                });
                draw.counted(target.file, line, every);
                counted.unwrap_or(0)
            }
            _ => count_document(run.counter, &run.more, self.acc, target, text, fields, at)
                .unwrap_or(0),
        };
        if self.per_document {
            self.run.progress.add_tokens(tokens);
        } else {
            self.tokens += tokens;
        }
    }

    fn conversation(&mut self, conversation: Conversation<'_>) {
        self.count_waiting();
        let template = self.run.options.chat_template.as_deref();
        let models = &self.run.plan.sources[self.target.source].token_models;
        let tokens = count_conversation(
            self.run.counter,
            &self.run.more,
            template,
            models,
            self.acc,
            self.target,
            conversation,
        );
        if self.per_document {
            self.run.progress.add_tokens(tokens);
        } else {
            self.tokens += tokens;
        }
    }

    fn problem(&mut self, at: LineRef, problem: Problem) {
        self.count_waiting();
        self.acc.error(self.target.file, at, problem);
    }

    fn medium(&mut self, medium: Medium<'_>) {
        self.count_waiting();
        let Target { file, source } = self.target;
        let models = &self.run.plan.sources[source].token_models;
        let stats = self.acc.stats(source);
        match record(&mut stats.media, models, medium.bytes, medium.name) {
            // A media file is counted as a file once it is measured.
            Ok(()) if medium.container == Container::File => {
                stats.counts.files += 1;
                stats.counts.input_bytes += self.run.plan.files[file].size;
            }
            Ok(()) => {}
            Err(message) => {
                let message = medium.explain(&message);
                self.acc
                    .error_msg(file, medium.at, ErrorKind::Media, message);
            }
        }
    }

    fn sample(&mut self) {
        self.acc.stats(self.target.source).media.samples += 1;
    }

    fn metadata(&mut self, bytes: u64) {
        let metadata = &mut self.acc.stats(self.target.source).media.metadata;
        metadata.items += 1;
        metadata.bytes += bytes;
    }
}
