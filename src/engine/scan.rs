//! The engine's side of reading: `Counting` receives the items a reader hands out and counts
//! them into an accumulator. Documents are tokenized and recorded with their date and domain,
//! media are probed and tallied under their source's token models, problems are recorded where
//! they sit. Nothing here knows files, formats or threads.

use super::accumulator::{Accumulator, LineRef};
use super::media::record;
use super::{RecordDraw, Run};
use crate::count::Counter;
use crate::count::chat::{ChatTemplate, measure_conversation};
use crate::error::ErrorKind;
use crate::media::TokenModels;
use crate::provenance::RecordFields;
use crate::read::{Container, Conversation, Document, Medium, Problem, Visitor};

/// Where scanned documents are recorded: the file (for errors) and its source.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Index of the file in the plan.
    pub file: usize,
    /// Index of its source.
    pub source: usize,
}

/// Counts one document, with its date and URL `fields`, and returns its tokens (`None` when the
/// tokenizer refused it, which is recorded as an error).
pub fn count_document(
    counter: &dyn Counter,
    acc: &mut Accumulator,
    target: Target,
    text: &str,
    fields: RecordFields<'_>,
    line: LineRef,
) -> Option<u64> {
    match counter.count(text) {
        Ok(tokens) => {
            let rule = acc.rule(target.source);
            let (mut buf, mut scratch) = std::mem::take(&mut acc.scratch);
            let stats = &mut acc.stats(target.source);
            stats.record_document(text.len() as u64, tokens);
            let domain = rule.domain(&fields, &mut buf, &mut scratch);
            stats.record_provenance(rule.dating(&fields), domain, tokens);
            acc.scratch = (buf, scratch);
            acc.observe_signals(target.source, text, tokens);
            Some(tokens)
        }
        Err(message) => {
            acc.error_msg(target.file, line, ErrorKind::Tokenizer, message.0);
            None
        }
    }
}

/// Counts one conversation (chat record) as one document: its contents' bytes, its tokens
/// (rendered with `template` when there is one), its roles and turns, and its inline media
/// under `models`; returns its tokens (0 when it was refused, which is recorded as an error).
pub fn count_conversation(
    counter: &dyn Counter,
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
    let rule = acc.rule(target.source);
    let (mut buf, mut scratch) = std::mem::take(&mut acc.scratch);
    let stats = acc.stats(target.source);
    stats.record_document(measured.bytes, measured.tokens);
    let domain = rule.domain(&fields, &mut buf, &mut scratch);
    stats.record_provenance(rule.dating(&fields), domain, measured.tokens);
    stats.chat.record(&measured.figures);
    let mut damaged = Vec::new();
    for medium in &measured.media {
        if let Err(message) = record(&mut stats.media, models, &medium.bytes, &medium.name) {
            damaged.push(format!("inline {}: {message}", medium.name));
        }
    }
    acc.scratch = (buf, scratch);
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
    /// Which documents are counted, when not all are (every one is offered to it).
    draw: Option<&'r dyn RecordDraw>,
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
            draw: None,
        }
    }

    /// Counts into `acc`, leaving progress to the caller (a batch of many small documents).
    pub fn batched(run: &'r Run<'r>, acc: &'r mut Accumulator, target: Target) -> Self {
        Counting {
            per_document: false,
            ..Counting::new(run, acc, target)
        }
    }

    /// Counts only the documents `draw` takes (all when `None`), offering it every one.
    pub fn drawn_by(self, draw: Option<&'r dyn RecordDraw>) -> Self {
        Counting { draw, ..self }
    }

    /// The tokens counted by a [`Counting::batched`] counter.
    pub fn tokens(&self) -> u64 {
        self.tokens
    }
}

impl Visitor for Counting<'_> {
    #[inline]
    fn document(&mut self, document: Document<'_>) {
        let Document { text, fields, at } = document;
        let (counter, target) = (self.run.counter, self.target);
        let tokens = match (self.draw, at) {
            (Some(draw), LineRef::Line(line)) => {
                if !draw.offer(target.file, line, text.len() as u64) {
                    return;
                }
                let counted = count_document(counter, self.acc, target, text, fields, at);
                draw.counted(target.file, line, counted);
                counted.unwrap_or(0)
            }
            _ => count_document(counter, self.acc, target, text, fields, at).unwrap_or(0),
        };
        if self.per_document {
            self.run.progress.add_tokens(tokens);
        } else {
            self.tokens += tokens;
        }
    }

    fn conversation(&mut self, conversation: Conversation<'_>) {
        let template = self.run.options.chat_template.as_deref();
        let models = &self.run.plan.sources[self.target.source].token_models;
        let tokens = count_conversation(
            self.run.counter,
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
        self.acc.error(self.target.file, at, problem);
    }

    fn medium(&mut self, medium: Medium<'_>) {
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
