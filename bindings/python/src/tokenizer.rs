//! `tokencensus.Tokenizer`: a loaded tokenizer that counts one text or a batch (on all cores,
//! without the GIL). Loaded tokenizers are kept per process, so that tallies unpickled in a
//! worker load theirs once.

use crate::errors::{fatal, usage};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokencensus::count::{RouteChoice, TokenizerSource};
use tokencensus::{CompiledCache, Tokenizer};

/// Where a tokenizer comes from: the embedded Llama 3 (`None`) or a file, and whether special
/// tokens count. Enough to load it again in another process.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenizerKey {
    /// The file as given, or `None` for the embedded Llama 3.
    pub path: Option<PathBuf>,
    /// Count the post-processor's special tokens.
    pub special_tokens: bool,
}

impl TokenizerKey {
    /// The library's source of this tokenizer.
    pub fn source(&self) -> TokenizerSource {
        match &self.path {
            None => TokenizerSource::EmbeddedLlama3,
            Some(path) => TokenizerSource::File(path.clone()),
        }
    }

    /// The tokenizer, loaded once per process (without the GIL: loading takes a while),
    /// through the user's compiled-route cache as the command line loads it.
    pub fn load(&self, py: Python<'_>) -> PyResult<Arc<Tokenizer>> {
        static LOADED: Mutex<Option<HashMap<TokenizerKey, Arc<Tokenizer>>>> = Mutex::new(None);
        let known = LOADED
            .lock()
            .unwrap()
            .as_ref()
            .and_then(|m| m.get(self).cloned());
        if let Some(tokenizer) = known {
            return Ok(tokenizer);
        }
        let source = self.source();
        let loaded = py
            .detach(|| {
                let cache = CompiledCache::platform();
                Tokenizer::load_with_cache(&source, self.special_tokens, RouteChoice::Auto, cache)
            })
            .map_err(fatal)?;
        let loaded = Arc::new(loaded);
        let mut map = LOADED.lock().unwrap();
        let map = map.get_or_insert_with(HashMap::new);
        Ok(map.entry(self.clone()).or_insert(loaded).clone())
    }
}

/// What a tokenizer pickles as: its file (or `None`) and whether special tokens count.
type Reduced = (Option<PathBuf>, bool);

/// A tokenizer ready to count: `Tokenizer()` is the embedded Llama 3, `Tokenizer(path)` any
/// Hugging Face `tokenizer.json` (also `.json.zst` or `.json.gz`); `special_tokens=True` also
/// counts the tokens its post-processor adds (BOS, CLS/SEP). Counts are exact: the same as
/// `len(tokenizers.Tokenizer.encode(text, add_special_tokens=...).ids)`.
#[pyclass(name = "Tokenizer", module = "tokencensus", frozen)]
pub struct PyTokenizer {
    pub key: TokenizerKey,
    pub tokenizer: Arc<Tokenizer>,
}

#[pymethods]
impl PyTokenizer {
    #[new]
    #[pyo3(signature = (path=None, special_tokens=false))]
    fn new(py: Python<'_>, path: Option<PathBuf>, special_tokens: bool) -> PyResult<Self> {
        let path = path.map(|path| std::path::absolute(&path).unwrap_or(path));
        let key = TokenizerKey {
            path,
            special_tokens,
        };
        let tokenizer = key.load(py)?;
        Ok(Self { key, tokenizer })
    }

    /// The exact number of tokens of `text`.
    fn count(&self, text: PyBackedStr) -> PyResult<usize> {
        self.tokenizer.count(&text).map_err(fatal)
    }

    /// The exact number of tokens of each text, in order, counted without the GIL on all
    /// cores (or on `threads` threads).
    #[pyo3(signature = (texts, threads=None))]
    fn count_batch(
        &self,
        py: Python<'_>,
        texts: Vec<PyBackedStr>,
        threads: Option<usize>,
    ) -> PyResult<Vec<usize>> {
        let texts: Vec<&str> = texts.iter().map(|t| &**t).collect();
        let tokenizer = &self.tokenizer;
        py.detach(|| match threads {
            None => tokenizer.count_batch(&texts).map_err(Some),
            Some(0) => Err(None),
            Some(n) => tokenizer.count_batch_on(&texts, n).map_err(Some),
        })
        .map_err(|e| match e {
            Some(e) => fatal(e),
            None => usage("threads must be at least 1"),
        })
    }

    /// A short name: `llama3` for the embedded tokenizer, else the file name without suffixes.
    #[getter]
    fn name(&self) -> &str {
        self.tokenizer.name()
    }

    /// SHA-256 (hex) of the uncompressed `tokenizer.json`: what every count is defined by.
    #[getter]
    fn sha256(&self) -> &str {
        self.tokenizer.sha256()
    }

    /// The counting route, as reports name it (`fast-bpe`, `tokenizers-0.23`, ...).
    #[getter]
    fn engine(&self) -> &str {
        self.tokenizer.route()
    }

    /// Whether the post-processor's special tokens are counted.
    #[getter]
    fn special_tokens(&self) -> bool {
        self.key.special_tokens
    }

    /// The tokenizer file (absolute), or `None` for the embedded Llama 3.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.key.path.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Tokenizer(name={:?}, engine={:?}, special_tokens={})",
            self.tokenizer.name(),
            self.tokenizer.route(),
            if self.key.special_tokens {
                "True"
            } else {
                "False"
            }
        )
    }

    /// Pickles as its path and settings; unpickling loads it again (once per process).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Reduced)> {
        let this = slf.get();
        let class = slf.get_type().into_any();
        Ok((class, (this.key.path.clone(), this.key.special_tokens)))
    }
}

impl PyTokenizer {
    /// The tokenizer a keyword argument names: a `Tokenizer`, a path, or `None` (Llama 3).
    pub fn resolve(
        py: Python<'_>,
        given: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(TokenizerKey, Arc<Tokenizer>)> {
        match given {
            None => {
                let key = TokenizerKey {
                    path: None,
                    special_tokens: false,
                };
                let tokenizer = key.load(py)?;
                Ok((key, tokenizer))
            }
            Some(given) if given.is_none() => Self::resolve(py, None),
            Some(given) => match given.cast::<PyTokenizer>() {
                Ok(tokenizer) => {
                    let tokenizer = tokenizer.get();
                    Ok((tokenizer.key.clone(), tokenizer.tokenizer.clone()))
                }
                Err(_) => {
                    let path: PathBuf = given.extract()?;
                    let made = PyTokenizer::new(py, Some(path), false)?;
                    Ok((made.key, made.tokenizer))
                }
            },
        }
    }
}
