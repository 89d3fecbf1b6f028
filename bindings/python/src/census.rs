//! `tokencensus.count`, `render` and `merge`: the command line's `count`, `report` and `merge`,
//! with reports as the dictionaries `count --format json` writes.

use crate::errors::{fatal, usage};
use crate::tokenizer::PyTokenizer;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use std::path::PathBuf;
use tokencensus::count::TokenizerSource;
use tokencensus::read::small_file::{MAX_REPORT_BYTES, read_small_text};
use tokencensus::report::integrity::{self, Seal};
use tokencensus::{
    ChatTemplateChoice, CountConfig, FatalError, OutputFormat, Part, Report, ShardChoice,
    ShardSpec, SignalKind,
};

/// A report as the dictionary of its JSON form, sealed with its integrity digest exactly as
/// `count --format json` writes it.
pub fn report_to_dict<'py>(py: Python<'py>, report: &Report) -> PyResult<Bound<'py, PyAny>> {
    let json = py.detach(|| report.render(OutputFormat::Json));
    py.import("json")?.call_method1("loads", (json,))
}

/// The report a dictionary (as [`report_to_dict`] makes) or a JSON string stands for, and
/// whether it carried an integrity digest; an altered report (its content no longer hashes to
/// its digest) is refused, named `name`.
pub fn report_from_py(report: &Bound<'_, PyAny>, name: &str) -> PyResult<(Report, Seal)> {
    let json: String = match report.cast::<PyString>() {
        Ok(text) => text.to_string(),
        Err(_) => report
            .py()
            .import("json")?
            .call_method1("dumps", (report,))?
            .extract()?,
    };
    integrity::read(&json).map_err(|e| usage(format!("{name}: {e}")))
}

/// Warns (a Python `UserWarning`) that the report `name` carries no integrity digest and is
/// used unverified, as the command line's `report` does.
pub fn warn_unsealed(py: Python<'_>, name: &str) -> PyResult<()> {
    let message = format!(
        "{name} carries no integrity digest (written before reports had one, or with it removed): its figures are used unverified"
    );
    py.import("warnings")?.call_method1("warn", (message,))?;
    Ok(())
}

/// One path or a list of paths.
fn paths_of(given: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    match given {
        None => Ok(Vec::new()),
        Some(one) if one.is_none() => Ok(Vec::new()),
        Some(one) if one.is_instance_of::<PyString>() => Ok(vec![one.extract()?]),
        Some(many) => match many.extract::<Vec<PathBuf>>() {
            Ok(paths) => Ok(paths),
            Err(_) => Ok(vec![many.extract()?]),
        },
    }
}

/// `"dedup,pii"`, `"all"` or a list of signal names.
fn signals_of(given: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<SignalKind>> {
    let names: Vec<String> = match given {
        None => return Ok(Vec::new()),
        Some(one) if one.is_none() => return Ok(Vec::new()),
        Some(one) if one.is_instance_of::<PyString>() => {
            let text: String = one.extract()?;
            text.split(',').map(str::to_string).collect()
        }
        Some(many) => many.extract()?,
    };
    let mut kinds = Vec::new();
    for name in names {
        let parsed = SignalKind::parse_list(&name).map_err(|e| usage(e.to_string()))?;
        kinds.extend(
            parsed
                .into_iter()
                .filter(|k| !kinds.contains(k))
                .collect::<Vec<_>>(),
        );
    }
    Ok(kinds)
}

/// `"I/N"` or `(I, N)`.
fn shard_of(given: Option<&Bound<'_, PyAny>>) -> PyResult<Option<ShardChoice>> {
    let Some(given) = given.filter(|g| !g.is_none()) else {
        return Ok(None);
    };
    let spec = match given.extract::<(u32, u32)>() {
        Ok((index, count)) => ShardSpec::new(index, count),
        Err(_) => ShardSpec::parse(&given.extract::<String>()?),
    };
    let spec = spec.map_err(|e| usage(format!("shard: {e}")))?;
    Ok(Some(ShardChoice {
        spec,
        origin: "tokencensus.count(shard=...)".into(),
    }))
}

/// Takes the census of a corpus and returns its report, the same as `tokencensus count
/// --format json` (with `paths` as PATH arguments, `manifest` as `--manifest`,
/// `max_document_bytes` as `--max-document-bytes`, `chat_field` as `--chat-field` and
/// `chat_template` as `--chat-template`); a list of tokenizers counts with each in one pass
/// (`--tokenizer` given several times, the first primary).
#[pyfunction]
#[pyo3(signature = (paths=None, manifest=None, tokenizer=None, signals=None, threads=None, shard=None, checkpoint=None, progress=false, max_document_bytes=None, chat_field=None, chat_template=None))]
#[allow(clippy::too_many_arguments)]
pub fn count<'py>(
    py: Python<'py>,
    paths: Option<&Bound<'py, PyAny>>,
    manifest: Option<PathBuf>,
    tokenizer: Option<&Bound<'py, PyAny>>,
    signals: Option<&Bound<'py, PyAny>>,
    threads: Option<usize>,
    shard: Option<&Bound<'py, PyAny>>,
    checkpoint: Option<PathBuf>,
    progress: bool,
    max_document_bytes: Option<u64>,
    chat_field: Option<String>,
    chat_template: Option<PathBuf>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut config = CountConfig::new(paths_of(paths)?);
    config.chat_field = chat_field;
    config.chat_template = chat_template.map(|path| ChatTemplateChoice {
        path,
        bos_token: None,
        eos_token: None,
    });
    config.manifest = manifest;
    config.signals.enabled = signals_of(signals)?;
    if let Some(threads) = threads {
        config.threads = threads;
    }
    config.shard = shard_of(shard)?;
    config.checkpoint = checkpoint;
    config.progress = progress;
    if let Some(max) = max_document_bytes {
        config.max_document_bytes = max;
    }
    let (primary, more) = tokenizers_of(tokenizer)?;
    let (key, tokenizer) = PyTokenizer::resolve(py, primary.as_ref())?;
    config.special_tokens = key.special_tokens;
    config.tokenizer = source_of(&key.path);
    // Every tokenizer as resolved (loaded once, or the caller's own `Tokenizer` objects): the
    // count loads none of them again.
    let mut loaded = vec![tokenizer];
    for other in &more {
        let (other, other_tokenizer) = PyTokenizer::resolve(py, Some(other))?;
        if other.special_tokens != key.special_tokens {
            return Err(usage(
                "tokenizer: every tokenizer of a count counts special tokens alike (or none does)",
            ));
        }
        config.more_tokenizers.push(source_of(&other.path));
        loaded.push(other_tokenizer);
    }
    let census = py
        .detach(|| {
            let all: Vec<&tokencensus::Tokenizer> = loaded.iter().map(|t| t.as_ref()).collect();
            tokencensus::count_with_tokenizers(&config, &all)
        })
        .map_err(fatal)?;
    warn_all(py, &census.warnings)?;
    report_to_dict(py, &census.report)
}

/// The `tokenizer` argument split into the primary tokenizer and the others: a list or tuple
/// of tokenizers (or paths) counts with each, the first primary; anything else is one.
#[allow(clippy::type_complexity)]
fn tokenizers_of<'py>(
    given: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Option<Bound<'py, PyAny>>, Vec<Bound<'py, PyAny>>)> {
    let Some(given) = given else {
        return Ok((None, Vec::new()));
    };
    let listed: Option<Vec<Bound<'py, PyAny>>> = if let Ok(list) = given.cast::<PyList>() {
        Some(list.iter().collect())
    } else if let Ok(tuple) = given.cast::<PyTuple>() {
        Some(tuple.iter().collect())
    } else {
        None
    };
    match listed {
        None => Ok((Some(given.clone()), Vec::new())),
        Some(all) if all.is_empty() => Err(usage("tokenizer: the list of tokenizers is empty")),
        Some(mut all) => {
            let rest = all.split_off(1);
            Ok((all.pop(), rest))
        }
    }
}

/// Where a tokenizer of `path` (none: the embedded Llama 3) is loaded from.
fn source_of(path: &Option<PathBuf>) -> TokenizerSource {
    match path {
        None => TokenizerSource::EmbeddedLlama3,
        Some(path) => TokenizerSource::File(path.clone()),
    }
}

/// Shows the count's notes (a pattern that matched nothing, ...) as Python warnings.
fn warn_all(py: Python<'_>, warnings: &[String]) -> PyResult<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let warn = py.import("warnings")?.getattr("warn")?;
    for warning in warnings {
        warn.call1((
            warning.as_str(),
            py.get_type::<pyo3::exceptions::PyUserWarning>(),
            2,
        ))?;
    }
    Ok(())
}

/// The names of the output formats, as the command line's `--format` takes them.
const FORMATS: [(&str, OutputFormat); 7] = [
    ("table", OutputFormat::Table),
    ("json", OutputFormat::Json),
    ("markdown", OutputFormat::Markdown),
    ("eu-summary", OutputFormat::EuSummary),
    ("html", OutputFormat::Html),
    ("croissant", OutputFormat::Croissant),
    ("hf-card", OutputFormat::HfCard),
];

/// Renders a report (a dictionary or JSON text) in one of the command line's formats:
/// `table`, `json`, `markdown`, `eu-summary`, `html`, `croissant` or `hf-card`.
#[pyfunction]
#[pyo3(signature = (report, format="table"))]
pub fn render(py: Python<'_>, report: &Bound<'_, PyAny>, format: &str) -> PyResult<String> {
    let Some((_, format)) = FORMATS.iter().find(|(name, _)| *name == format) else {
        let names: Vec<&str> = FORMATS.iter().map(|(n, _)| *n).collect();
        return Err(usage(format!(
            "unknown format {format:?}: give one of {}",
            names.join(", ")
        )));
    };
    let (report, seal) = report_from_py(report, "the report")?;
    if seal == Seal::Missing {
        warn_unsealed(py, "the report")?;
    }
    Ok(py.detach(|| report.render(*format)))
}

/// Merges partial reports exactly: the shard reports of one sharded count, or tallies and
/// datatrove ranks fed from memory. Each part is a report dictionary, JSON text in a `str`,
/// or the path of a saved JSON report (`os.PathLike`).
#[pyfunction]
pub fn merge<'py>(py: Python<'py>, parts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let given: Vec<Bound<'py, PyAny>> = match parts.cast::<PyList>() {
        Ok(list) => list.iter().collect(),
        Err(_) => match parts.cast::<PyTuple>() {
            Ok(tuple) => tuple.iter().collect(),
            Err(_) => parts.try_iter()?.collect::<PyResult<_>>()?,
        },
    };
    let mut read = Vec::with_capacity(given.len());
    for (i, part) in given.iter().enumerate() {
        let is_path = !part.is_instance_of::<PyDict>() && !part.is_instance_of::<PyString>();
        let (name, (report, seal)) = if is_path && let Ok(path) = part.extract::<PathBuf>() {
            let text = read_small_text(&path, MAX_REPORT_BYTES, "report").map_err(|e| {
                fatal(FatalError::Io {
                    path: path.clone(),
                    message: e.to_string(),
                })
            })?;
            let read = integrity::read(&text)
                .map_err(|e| fatal(FatalError::Merge(format!("{}: {e}", path.display()))))?;
            (path.display().to_string(), read)
        } else {
            let name = format!("part {i}");
            let read = report_from_py(part, &name)?;
            (name, read)
        };
        if seal == Seal::Missing {
            return Err(fatal(FatalError::Merge(format!(
                "{name} carries no integrity digest (written before reports had one, or with it removed): merge takes only parts as tokencensus wrote them"
            ))));
        }
        read.push(Part { name, report });
    }
    let merged = py
        .detach(|| tokencensus::merge_parts(&read))
        .map_err(fatal)?;
    report_to_dict(py, &merged)
}
