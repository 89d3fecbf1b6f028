//! `tokencensus.Tally`: a partial census fed from memory, over the library's `MemoryCensus`.
//! It pickles as its report (the form `merge` reads) and the tokenizer's path, and loads that
//! tokenizer again only when it is fed after unpickling.

use crate::census::{report_from_py, report_to_dict, warn_unsealed};
use crate::errors::{fatal, usage};
use crate::tokenizer::{PyTokenizer, TokenizerKey};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyString, PyTuple};
use std::path::PathBuf;
use std::sync::Arc;
use tokencensus::report::ShardRun;
use tokencensus::report::integrity::Seal;
use tokencensus::stats::Category;
use tokencensus::{
    ErrorKind, InputError, MemoryCensus, MemoryRecord, MemorySource, RecordDate, Tokenizer,
};

/// A record's date as handed over: ISO text or Unix seconds, or nothing usable.
enum Date {
    Iso(String),
    Unix(f64),
    None,
}

impl Date {
    /// A `str`, an `int` or `float` of Unix seconds, or a `datetime.date`/`datetime` (its
    /// `isoformat()`); anything else counts the record as undated.
    fn of(value: Option<&Bound<'_, PyAny>>) -> Date {
        let Some(value) = value.filter(|v| !v.is_none()) else {
            return Date::None;
        };
        if let Ok(text) = value.extract::<String>() {
            return Date::Iso(text);
        }
        if !value.is_instance_of::<pyo3::types::PyBool>()
            && let Ok(seconds) = value.extract::<f64>()
        {
            return Date::Unix(seconds);
        }
        match value.call_method0("isoformat").and_then(|t| t.extract()) {
            Ok(text) => Date::Iso(text),
            Err(_) => Date::None,
        }
    }

    fn record_date(&self) -> Option<RecordDate<'_>> {
        match self {
            Date::Iso(text) => Some(RecordDate::Iso(text)),
            Date::Unix(seconds) => Some(RecordDate::Unix(*seconds)),
            Date::None => None,
        }
    }
}

/// A record taken from Python, or the problem that keeps it from being counted.
struct Taken {
    text: Result<PyBackedStr, InputError>,
    date: Date,
    url: Option<String>,
}

/// A partial census fed from memory: `add` texts (with an optional date and URL) under
/// `source` and `category`, `merge` other tallies in any grouping and order, and
/// `to_report()` gives the same report as `count --format json` of the same records.
/// Tallies pickle (for Ray, multiprocessing) as their report.
#[pyclass(name = "Tally", module = "tokencensus")]
pub struct PyTally {
    key: TokenizerKey,
    /// The tokenizer, once loaded (not yet after unpickling).
    tokenizer: Option<Arc<Tokenizer>>,
    source: MemorySource,
    census: MemoryCensus,
}

fn category_of(name: &str) -> PyResult<Category> {
    Category::ALL
        .into_iter()
        .find(|c| c.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
            usage(format!(
                "unknown category {name:?}: give one of {}",
                names.join(", ")
            ))
        })
}

#[pymethods]
impl PyTally {
    #[new]
    #[pyo3(signature = (tokenizer=None, source="memory", category="other", *, text_field="text", date_field=None, url_field=None))]
    fn new(
        py: Python<'_>,
        tokenizer: Option<&Bound<'_, PyAny>>,
        source: &str,
        category: &str,
        text_field: &str,
        date_field: Option<String>,
        url_field: Option<String>,
    ) -> PyResult<Self> {
        if source.is_empty() {
            return Err(usage("source must not be empty"));
        }
        let (key, tokenizer) = PyTokenizer::resolve(py, tokenizer)?;
        let source = MemorySource {
            text_field: text_field.to_string(),
            date_field,
            url_field,
            ..MemorySource::new(source, category_of(category)?)
        };
        Ok(Self {
            census: MemoryCensus::new(&tokenizer),
            key,
            tokenizer: Some(tokenizer),
            source,
        })
    }

    /// Counts one record and returns its tokens, or `None` when it could not be counted (its
    /// problem is listed in the report's errors, as a bad record of a file would be). `date`:
    /// ISO 8601 text, Unix seconds or a `datetime`; `url`: the page it came from.
    #[pyo3(signature = (text, date=None, url=None))]
    fn add(
        &mut self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        url: Option<String>,
    ) -> PyResult<Option<u64>> {
        let taken = vec![self.take(text, date, url)];
        Ok(self.count(py, taken)?[0])
    }

    /// Counts records in a batch, without the GIL and on all cores; `dates` and `urls`, when
    /// given, are lists as long as `texts`. Returns each record's tokens as `add` does.
    #[pyo3(signature = (texts, dates=None, urls=None))]
    fn add_batch<'py>(
        &mut self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        dates: Option<&Bound<'py, PyAny>>,
        urls: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Option<u64>>> {
        let texts: Vec<Bound<'py, PyAny>> = texts.try_iter()?.collect::<PyResult<_>>()?;
        let dates = column(dates, "dates", texts.len())?;
        let urls = column(urls, "urls", texts.len())?;
        let mut taken = Vec::with_capacity(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let date = dates.as_ref().map(|d| &d[i]);
            let url = match urls.as_ref().map(|u| &u[i]) {
                Some(url) if !url.is_none() => url.extract::<String>().ok(),
                _ => None,
            };
            taken.push(self.take(text, date, url));
        }
        self.count(py, taken)
    }

    /// Counts `files` files of `input_bytes` bytes as read for this tally's source (a tally
    /// knows no files unless told; the command line counts them).
    #[pyo3(signature = (files, input_bytes=0))]
    fn add_files(&mut self, files: u64, input_bytes: u64) -> PyResult<()> {
        self.census
            .add_files(&self.source, files, input_bytes)
            .map_err(fatal)
    }

    /// Adds everything `other` counted (its sources too); fails, changing nothing, when it
    /// counts with another tokenizer or declares a source of the same name differently.
    fn merge(&mut self, other: &Bound<'_, PyTally>) -> PyResult<()> {
        let other = other
            .try_borrow()
            .map_err(|_| usage("a tally cannot merge itself"))?;
        self.census.merge(&other.census).map_err(fatal)
    }

    /// The report of everything counted, as `count --format json` writes it: sources sorted
    /// by name, categories, totals, errors, with `run.from_memory` set, sealed with its
    /// integrity digest. `shard` (a mapping of `index`, `count`, `plan_sha256` and `origin`)
    /// states that this tally is one part of a split, as a datatrove rank is.
    #[pyo3(signature = (shard=None))]
    fn to_report<'py>(
        &self,
        py: Python<'py>,
        shard: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut report = self.census.to_report();
        if let Some(shard) = shard.filter(|s| !s.is_none()) {
            let json: String = py
                .import("json")?
                .call_method1("dumps", (shard,))?
                .extract()?;
            let shard: ShardRun = serde_json::from_str(&json).map_err(|e| {
                usage(format!(
                    "shard must be a mapping of index, count, plan_sha256 and origin: {e}"
                ))
            })?;
            report.run.shard = Some(shard);
        }
        report_to_dict(py, &report)
    }

    /// The tally a report of `to_report()` stands for, counting further with `tokenizer`
    /// (default: the embedded Llama 3) under `source` and `category`.
    #[staticmethod]
    #[pyo3(signature = (report, tokenizer=None, source="memory", category="other"))]
    fn from_report(
        py: Python<'_>,
        report: &Bound<'_, PyAny>,
        tokenizer: Option<&Bound<'_, PyAny>>,
        source: &str,
        category: &str,
    ) -> PyResult<Self> {
        let mut tally = Self::new(py, tokenizer, source, category, "text", None, None)?;
        let (report, seal) = report_from_py(report, "the report")?;
        if seal == Seal::Missing {
            warn_unsealed(py, "the report")?;
        }
        tally.census = MemoryCensus::from_report(&report).map_err(fatal)?;
        Ok(tally)
    }

    /// The source records are counted under.
    #[getter]
    fn source(&self) -> &str {
        &self.source.name
    }

    /// Its category.
    #[getter]
    fn category(&self) -> &str {
        self.source.category.name()
    }

    fn __repr__(&self) -> String {
        let report = self.census.to_report();
        format!(
            "Tally(source={:?}, category={:?}, sources={}, documents={}, tokens={})",
            self.source.name,
            self.source.category.name(),
            report.sources.len(),
            report.totals.tally.counts.documents,
            report.totals.tally.counts.tokens
        )
    }

    /// Pickles as the report and what is needed to load the tokenizer again.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.borrow();
        let report =
            serde_json::to_string(&this.census.to_report()).map_err(|e| usage(e.to_string()))?;
        let s = &this.source;
        let state = (
            report,
            this.key.path.clone(),
            this.key.special_tokens,
            s.name.clone(),
            s.category.name(),
            s.text_field.clone(),
            s.date_field.clone(),
            s.url_field.clone(),
        );
        let rebuild = py
            .import("tokencensus._native")?
            .getattr("_tally_from_state")?;
        Ok((rebuild, PyTuple::new(py, [state.into_pyobject(py)?])?))
    }
}

/// The values of an optional column (`dates`, `urls`), which must be as long as the texts.
fn column<'py>(
    given: Option<&Bound<'py, PyAny>>,
    name: &str,
    texts: usize,
) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
    let Some(given) = given.filter(|g| !g.is_none()) else {
        return Ok(None);
    };
    let values: Vec<Bound<'py, PyAny>> = given.try_iter()?.collect::<PyResult<_>>()?;
    if values.len() != texts {
        return Err(usage(format!(
            "{name} has {} values for {texts} texts",
            values.len()
        )));
    }
    Ok(Some(values))
}

/// Rebuilds a pickled tally (see `Tally.__reduce__`).
#[pyfunction]
#[pyo3(name = "_tally_from_state")]
#[allow(clippy::type_complexity)]
pub fn tally_from_state(
    state: (
        String,
        Option<PathBuf>,
        bool,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    ),
) -> PyResult<PyTally> {
    let (report, path, special_tokens, name, category, text_field, date_field, url_field) = state;
    let report = serde_json::from_str(&report).map_err(|e| usage(format!("not a tally: {e}")))?;
    Ok(PyTally {
        key: TokenizerKey {
            path,
            special_tokens,
        },
        tokenizer: None,
        source: MemorySource {
            text_field,
            date_field,
            url_field,
            ..MemorySource::new(name, category_of(&category)?)
        },
        census: MemoryCensus::from_report(&report).map_err(fatal)?,
    })
}

impl PyTally {
    /// Takes one record's fields from Python; a text that is not a `str` of valid Unicode
    /// becomes the record's problem.
    fn take(
        &self,
        text: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        url: Option<String>,
    ) -> Taken {
        let problem = |kind, message: String| InputError {
            path: self.source.name.clone(),
            line: None,
            kind,
            message,
        };
        let text = match text.cast::<PyString>() {
            Ok(text) => text
                .extract::<PyBackedStr>()
                .map_err(|e| problem(ErrorKind::InvalidUnicode, e.to_string())),
            Err(_) => {
                let type_name = text
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| "?".into());
                Err(problem(
                    ErrorKind::FieldType,
                    format!("the text is {type_name}, not str"),
                ))
            }
        };
        Taken {
            text,
            date: Date::of(date),
            url,
        }
    }

    /// Counts the records taken, without the GIL, and lists the problems of the others.
    fn count(&mut self, py: Python<'_>, taken: Vec<Taken>) -> PyResult<Vec<Option<u64>>> {
        let tokenizer = match &self.tokenizer {
            Some(tokenizer) => tokenizer.clone(),
            None => {
                let loaded = self.key.load(py)?;
                self.tokenizer = Some(loaded.clone());
                loaded
            }
        };
        let mut records = Vec::with_capacity(taken.len());
        let mut slots = Vec::with_capacity(taken.len());
        for item in &taken {
            match &item.text {
                Ok(text) => {
                    slots.push(Some(records.len()));
                    records.push(MemoryRecord {
                        text,
                        date: item.date.record_date(),
                        url: item.url.as_deref(),
                    });
                }
                Err(problem) => {
                    self.census.add_error(problem.clone());
                    slots.push(None);
                }
            }
        }
        let (census, source) = (&mut self.census, &self.source);
        let counted = py
            .detach(|| census.add_batch(&tokenizer, source, &records))
            .map_err(fatal)?;
        Ok(slots
            .into_iter()
            .map(|slot| slot.and_then(|i| counted[i]))
            .collect())
    }
}
