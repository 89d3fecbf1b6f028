//! A census fed from memory: texts handed over one by one or in batches (by a Python pipeline,
//! a notebook, a Rust program), each with an optional date and URL, counted under a named
//! source and category. It merges exactly with another such census in any grouping and
//! order, and its serialised form is an ordinary report (`run.from_memory` set) that
//! [`MemoryCensus::from_report`] reads back and [`crate::merge_parts`] merges.

use crate::count::Tokenizer;
use crate::error::{ErrorKind, FatalError, InputError, sort_errors};
use crate::plan::Source;
use crate::provenance::date::{month_of_iso, month_of_unix};
use crate::provenance::{FieldValue, ProvenanceRule, RecordFields};
use crate::report::{Report, RunInfo, Settings, TokenizerReport, build_report};
use crate::stats::{Category, Dating, SourceStats};
use rayon::prelude::*;
use std::time::Instant;

/// The source that records are counted under, and the field names its report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemorySource {
    /// The source's name; sources are told apart by it.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// The field the texts came from, as the report names it (`text` by default).
    pub text_field: String,
    /// The field the dates came from, as the report names it (none by default).
    pub date_field: Option<String>,
    /// The field the URLs came from, as the report names it (none by default).
    pub url_field: Option<String>,
}

impl MemorySource {
    /// A source named `name` of `category`, with the text field `text` and no date or URL
    /// field named.
    pub fn new(name: impl Into<String>, category: Category) -> Self {
        Self {
            name: name.into(),
            category,
            text_field: "text".into(),
            date_field: None,
            url_field: None,
        }
    }

    fn declared(&self) -> Source {
        Source {
            date_field: self.date_field.clone(),
            url_field: self.url_field.clone(),
            ..Source::new(self.name.clone(), self.category, self.text_field.clone())
        }
    }
}

/// A record's date: an ISO 8601 date or timestamp, or Unix seconds (as in JSONL date fields).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecordDate<'a> {
    /// `2023-05-01`, `2023-05-01T12:00:00+02:00`, ...
    Iso(&'a str),
    /// Seconds since 1970-01-01T00:00:00Z.
    Unix(f64),
}

/// One record handed to a [`MemoryCensus`]: its text and, when known, its date and URL. A
/// missing or unparseable date counts the record as undated; a missing URL as having no
/// domain.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MemoryRecord<'a> {
    /// The text.
    pub text: &'a str,
    /// When it was collected.
    pub date: Option<RecordDate<'a>>,
    /// Where it was collected from.
    pub url: Option<&'a str>,
}

impl<'a> MemoryRecord<'a> {
    /// A record of `text` without date or URL.
    pub fn text(text: &'a str) -> Self {
        Self {
            text,
            ..Self::default()
        }
    }
}

/// A partial census fed from memory.
///
/// ```
/// use tokencensus::{MemoryCensus, MemoryRecord, MemorySource, Tokenizer, stats::Category};
///
/// let tokenizer = Tokenizer::embedded()?;
/// let web = MemorySource::new("web", Category::Crawled);
/// let (mut a, mut b) = (MemoryCensus::new(&tokenizer), MemoryCensus::new(&tokenizer));
/// a.add(&tokenizer, &web, MemoryRecord::text("Training data, counted exactly."))?;
/// b.add(&tokenizer, &web, MemoryRecord::text("Hello, world!"))?;
/// a.merge(&b)?;
/// let report = a.to_report();
/// assert_eq!(report.totals.tally.counts.documents, 2);
/// assert_eq!(report.totals.tally.counts.tokens, 6 + 4);
/// # Ok::<(), tokencensus::FatalError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryCensus {
    tokenizer: TokenizerReport,
    domains_listed: usize,
    /// Sources by name, sorted, with what was counted under each.
    sources: Vec<(MemorySource, SourceStats)>,
    errors: Vec<InputError>,
    elapsed_seconds: f64,
}

/// Records are placed by whatever URL they carry.
const LOCATED: ProvenanceRule = ProvenanceRule {
    dated: false,
    declared: false,
    located: true,
};

impl MemoryCensus {
    /// An empty census counted with `tokenizer`, listing [`crate::DEFAULT_DOMAINS_LISTED`]
    /// domains per source in its report.
    pub fn new(tokenizer: &Tokenizer) -> Self {
        Self {
            tokenizer: describe(tokenizer),
            domains_listed: crate::config::DEFAULT_DOMAINS_LISTED,
            sources: Vec::new(),
            errors: Vec::new(),
            elapsed_seconds: 0.0,
        }
    }

    /// The same census listing at most `domains` domains per source in its report (the rest
    /// are summed; censuses merge only with censuses of the same listing).
    pub fn with_domains_listed(mut self, domains: usize) -> Self {
        self.domains_listed = domains;
        self
    }

    /// The tokenizer this census counts with, as its report describes it.
    pub fn tokenizer(&self) -> &TokenizerReport {
        &self.tokenizer
    }

    /// Counts one record under `source` and returns its tokens, or `None` when the tokenizer
    /// refused the text (then an input error names the source, and nothing else is counted).
    /// Fails when `tokenizer` is not this census's, or `source` is declared differently from
    /// an earlier source of the same name.
    pub fn add(
        &mut self,
        tokenizer: &Tokenizer,
        source: &MemorySource,
        record: MemoryRecord<'_>,
    ) -> Result<Option<u64>, FatalError> {
        self.add_batch(tokenizer, source, &[record])
            .map(|tokens| tokens[0])
    }

    /// Counts `records` under `source` on the global rayon pool (all cores unless the caller's
    /// pool says otherwise) and records them in order; each record's tokens as in
    /// [`MemoryCensus::add`].
    pub fn add_batch(
        &mut self,
        tokenizer: &Tokenizer,
        source: &MemorySource,
        records: &[MemoryRecord<'_>],
    ) -> Result<Vec<Option<u64>>, FatalError> {
        let mine = describe(tokenizer);
        if !same_tokenizer(&self.tokenizer, &mine) {
            return Err(FatalError::Usage(format!(
                "this tally counts with tokenizer {} (sha256 {}), not {} (sha256 {})",
                self.tokenizer.name, self.tokenizer.sha256, mine.name, mine.sha256
            )));
        }
        let started = Instant::now();
        let counted: Vec<Result<usize, FatalError>> = records
            .par_iter()
            .map(|record| tokenizer.count(record.text))
            .collect();
        let index = self.source_index(source)?;
        let (mut buf, mut scratch) = (String::new(), String::new());
        let mut tokens = Vec::with_capacity(records.len());
        for (record, counted) in records.iter().zip(counted) {
            match counted {
                Ok(n) => {
                    let n = n as u64;
                    let month = match record.date {
                        Some(RecordDate::Iso(text)) => month_of_iso(text),
                        Some(RecordDate::Unix(seconds)) => month_of_unix(seconds),
                        None => None,
                    };
                    let dating = month.map_or(Dating::Undated, Dating::Month);
                    let fields = RecordFields {
                        date: None,
                        url: record.url.map(FieldValue::Text),
                    };
                    let stats = &mut self.sources[index].1;
                    stats.record_document(record.text.len() as u64, n);
                    let domain = LOCATED.domain(&fields, &mut buf, &mut scratch);
                    stats.record_provenance(dating, domain, n);
                    tokens.push(Some(n));
                }
                Err(refused) => {
                    self.errors.push(InputError {
                        path: source.name.clone(),
                        line: None,
                        kind: ErrorKind::Tokenizer,
                        message: refused.to_string(),
                    });
                    tokens.push(None);
                }
            }
        }
        self.elapsed_seconds += started.elapsed().as_secs_f64();
        Ok(tokens)
    }

    /// Counts `files` files of `input_bytes` bytes as read for `source` (a census fed from
    /// memory knows no files unless told).
    pub fn add_files(
        &mut self,
        source: &MemorySource,
        files: u64,
        input_bytes: u64,
    ) -> Result<(), FatalError> {
        let index = self.source_index(source)?;
        let counts = &mut self.sources[index].1.counts;
        counts.files += files;
        counts.input_bytes += input_bytes;
        Ok(())
    }

    /// Records a problem with one record that could not be handed over (for example text
    /// that is not valid Unicode); it is listed in the report like a reader's input error.
    pub fn add_error(&mut self, error: InputError) {
        self.errors.push(error);
    }

    /// Adds everything `other` counted. Fails, changing nothing, when `other` counts with
    /// another tokenizer or domain listing, or declares a source of the same name differently.
    pub fn merge(&mut self, other: &MemoryCensus) -> Result<(), FatalError> {
        if !same_tokenizer(&self.tokenizer, &other.tokenizer) {
            return Err(FatalError::Merge(format!(
                "tallies of different tokenizers: {} (sha256 {}) and {} (sha256 {})",
                self.tokenizer.name,
                self.tokenizer.sha256,
                other.tokenizer.name,
                other.tokenizer.sha256
            )));
        }
        if self.domains_listed != other.domains_listed {
            return Err(FatalError::Merge(format!(
                "tallies listing different numbers of domains: {} and {}",
                self.domains_listed, other.domains_listed
            )));
        }
        for (source, _) in &other.sources {
            self.check_declared(source)?;
        }
        for (source, stats) in &other.sources {
            let index = self.source_index(source)?;
            self.sources[index].1 += stats;
        }
        self.errors.extend(other.errors.iter().cloned());
        self.elapsed_seconds += other.elapsed_seconds;
        Ok(())
    }

    /// The report of everything counted: sources sorted by name, then categories and totals,
    /// in the form `count --format json` writes, with `run.from_memory` set.
    pub fn to_report(&self) -> Report {
        let declared: Vec<Source> = self.sources.iter().map(|(s, _)| s.declared()).collect();
        let stats: Vec<SourceStats> = self.sources.iter().map(|(_, s)| s.clone()).collect();
        let mut errors = self.errors.clone();
        sort_errors(&mut errors);
        let settings = Settings {
            text_field: "text".into(),
            manifest: None,
            signals: None,
            domains_listed: self.domains_listed,
            chat_template: None,
        };
        let run = RunInfo {
            threads: rayon::current_num_threads(),
            mmap: false,
            elapsed_seconds: self.elapsed_seconds,
            shard: None,
            merged_parts: None,
            combined_inputs: None,
            resumed_files: None,
            plan_seconds: None,
            estimate: None,
            from_memory: true,
            notes: Vec::new(),
        };
        build_report(
            &declared,
            &stats,
            errors,
            vec![self.tokenizer.clone()],
            settings,
            run,
        )
    }

    /// The census a report of [`MemoryCensus::to_report`] stands for (its serialised form).
    /// Fails on a report not fed from memory, or whose figures do not agree with each other.
    pub fn from_report(report: &Report) -> Result<Self, FatalError> {
        if !report.run.from_memory {
            return Err(FatalError::Merge(
                "not a tally: the report was not fed from memory (run.from_memory is not set)"
                    .into(),
            ));
        }
        let mut sources: Vec<(MemorySource, SourceStats)> = Vec::new();
        for source in &report.sources {
            let stats = source
                .tally
                .to_stats(source.tokens_per_document_hdr.as_deref())
                .map_err(|e| FatalError::Merge(format!("source {:?}: {e}", source.name)))?;
            let declared = MemorySource {
                name: source.name.clone(),
                category: source.category,
                text_field: source.text_field.clone(),
                date_field: source.date_field.clone(),
                url_field: source.url_field.clone(),
            };
            if sources.iter().any(|(s, _)| s.name == declared.name) {
                return Err(FatalError::Merge(format!(
                    "source {:?} is listed twice",
                    declared.name
                )));
            }
            sources.push((declared, stats));
        }
        sources.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        Ok(Self {
            tokenizer: report.tokenizer.clone(),
            domains_listed: report.settings.domains_listed,
            sources,
            errors: report.errors.clone(),
            elapsed_seconds: report.run.elapsed_seconds,
        })
    }

    /// Fails when a source named like `source` is declared differently.
    fn check_declared(&self, source: &MemorySource) -> Result<(), FatalError> {
        match self.sources.iter().find(|(s, _)| s.name == source.name) {
            Some((known, _)) if known != source => Err(FatalError::Usage(format!(
                "source {:?} is declared twice, differently: {} and {}",
                source.name,
                declaration(known),
                declaration(source)
            ))),
            _ => Ok(()),
        }
    }

    /// The index of `source` in `self.sources`, added in name order when new.
    fn source_index(&mut self, source: &MemorySource) -> Result<usize, FatalError> {
        self.check_declared(source)?;
        match self
            .sources
            .binary_search_by(|(s, _)| s.name.as_str().cmp(&source.name))
        {
            Ok(index) => Ok(index),
            Err(index) => {
                let stats = SourceStats::default();
                self.sources.insert(index, (source.clone(), stats));
                Ok(index)
            }
        }
    }
}

/// How the report describes `tokenizer`.
fn describe(tokenizer: &Tokenizer) -> TokenizerReport {
    TokenizerReport::new(
        tokenizer.info(),
        tokenizer.route(),
        tokenizer.fallback_reason(),
    )
}

/// Whether two descriptions name the same counts (as [`crate::merge_parts`] decides it).
fn same_tokenizer(a: &TokenizerReport, b: &TokenizerReport) -> bool {
    a.sha256 == b.sha256 && a.special_tokens == b.special_tokens
}

/// A source's declaration for messages.
fn declaration(source: &MemorySource) -> String {
    format!(
        "category {}, text field {:?}, date field {:?}, URL field {:?}",
        source.category.name(),
        source.text_field,
        source.date_field,
        source.url_field
    )
}

#[cfg(test)]
mod tests;
