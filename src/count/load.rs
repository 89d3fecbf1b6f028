//! Loading a `tokenizer.json` (plain, `.zst` or `.gz`, or the embedded Llama 3 default) and
//! describing it for reports: name, SHA-256 of the JSON bytes, vocabulary size. A file is
//! accepted exactly when the `tokenizers` crate accepts it: without a compiled-route cache
//! entry, loading builds the crate's object (kept for a route that counts with it) and one JSON
//! tree the fast routes are read from. When the cache holds this tokenizer (an entry is written
//! only after such a load), neither is built.

use super::compiled_cache::{CachedTokenizer, CompiledCache};
use crate::error::FatalError;
use crate::read::small_file::{MAX_TOKENIZER_BYTES, read_small_file};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;
use tokenizers::{PostProcessor, Tokenizer};

/// The embedded default tokenizer: Meta's Llama 3 `tokenizer.json`, zstd-compressed.
const EMBEDDED_LLAMA3: &[u8] =
    include_bytes!("../../fixtures/tokenizers/llama3.tokenizer.json.zst");
/// The SHA-256 of the embedded tokenizer's JSON (a test checks it), so that a cached start
/// neither decompresses nor hashes it.
const EMBEDDED_LLAMA3_SHA256: &str =
    "c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78";

/// Where the tokenizer comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenizerSource {
    /// The Llama 3 tokenizer built into the binary.
    EmbeddedLlama3,
    /// A `tokenizer.json` file, optionally compressed with zstd or gzip.
    File(PathBuf),
}

/// How a census names and fingerprints its tokenizer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenizerInfo {
    /// A short name: `llama3` for the default, else the file name without its suffixes.
    pub name: String,
    /// SHA-256 (hex) of the uncompressed `tokenizer.json` bytes.
    pub sha256: String,
    /// Vocabulary size including added tokens.
    pub vocab_size: u64,
    /// Whether the post-processor's special tokens (such as BOS) were counted.
    pub special_tokens: bool,
    /// Where the tokenizer came from: `embedded` or the path given.
    pub origin: String,
}

/// A loaded tokenizer: its description, what the routes are built from (the cached compiled
/// route, or the accepted `tokenizer.json`), and its text.
pub struct LoadedTokenizer {
    /// Its description for reports.
    pub info: TokenizerInfo,
    /// Where compiled fast routes are looked up and stored (`None`: no cache).
    pub(crate) cache: Option<CompiledCache>,
    /// The cache entry or the accepted JSON, whichever loading found.
    pub(crate) prepared: Prepared,
    /// The `tokenizer.json` text and the crate's object.
    pub(crate) text: TokenizerText,
}

/// What loading prepared for choosing a route.
pub(crate) enum Prepared {
    /// The cache's entry for this tokenizer: the JSON was not parsed.
    Cached(Box<CachedTokenizer>),
    /// The `tokenizer.json` the `tokenizers` crate accepted.
    Parsed {
        /// Its JSON tree.
        json: Box<serde_json::Value>,
        /// The tokens its post-processor adds to a document when special tokens are counted.
        post_processor_tokens: u64,
    },
}

/// A tokenizer's `tokenizer.json` text, made when first asked for, and the `tokenizers` crate's
/// object built from it.
pub(crate) struct TokenizerText {
    /// The text, once made (see [`TokenizerText::json`]).
    json: OnceLock<String>,
    /// The bytes it is made from when loading did not need it: `None` for the embedded
    /// tokenizer (decompressed then), else the file's JSON bytes.
    json_bytes: Option<Vec<u8>>,
    /// The crate's object that accepted the file, until a route takes it.
    kept: Option<Tokenizer>,
}

impl TokenizerText {
    /// The text. When the route came from the cache it is made now (the embedded tokenizer
    /// decompressed, a file's bytes copied: they are the bytes whose load wrote the entry, so
    /// they are UTF-8).
    pub(crate) fn json(&self) -> &str {
        self.json.get_or_init(|| match &self.json_bytes {
            Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            None => {
                let bytes = decompress(EMBEDDED_LLAMA3.to_vec()).unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        })
    }

    /// The crate's object: the one loading built, else built now.
    pub(crate) fn crate_tokenizer(&mut self) -> Result<Tokenizer, super::TokenizerError> {
        match self.kept.take() {
            Some(tokenizer) => Ok(tokenizer),
            None => {
                Tokenizer::from_str(self.json()).map_err(|e| super::TokenizerError(e.to_string()))
            }
        }
    }

    /// The text, taken out.
    pub(crate) fn into_json(mut self) -> String {
        self.json();
        self.json.take().unwrap_or_default()
    }
}

impl LoadedTokenizer {
    /// A tokenizer from its `tokenizer.json` text, described by `info` (its vocabulary size is
    /// left as given), without a cache; refused as the `tokenizers` crate refuses it.
    pub fn from_json(json: String, info: TokenizerInfo) -> Result<Self, FatalError> {
        let refused = |message: String| FatalError::Tokenizer {
            path: info.origin.clone(),
            message,
        };
        let tokenizer = Tokenizer::from_str(&json).map_err(|e| refused(e.to_string()))?;
        let prepared = accepted(&json, &tokenizer).map_err(refused)?;
        Ok(Self {
            info,
            cache: None,
            prepared,
            text: TokenizerText {
                json: OnceLock::from(json),
                json_bytes: None,
                kept: Some(tokenizer),
            },
        })
    }

    /// The `tokenizer.json` text (made now when the route came from the cache).
    pub fn json(&self) -> &str {
        self.text.json()
    }

    /// The `tokenizer.json` text, taken out.
    pub fn into_json(self) -> String {
        self.text.into_json()
    }

    /// The `tokenizers` crate's object: the one that accepted the file while loading (taken
    /// out: a second call builds another), or, after a start from the cache, built now (it
    /// takes a while: only routes that count with the crate, and `verify`, ask for it).
    pub fn crate_tokenizer(&mut self) -> Result<Tokenizer, super::TokenizerError> {
        self.text.crate_tokenizer()
    }

    /// Whether loading found this tokenizer's compiled route in the cache (then its JSON was
    /// not parsed).
    pub fn is_cached(&self) -> bool {
        matches!(self.prepared, Prepared::Cached(_))
    }
}

/// Loads and fingerprints the tokenizer, without a compiled-route cache; `special_tokens` is
/// recorded in the description.
pub fn load_tokenizer(
    source: &TokenizerSource,
    special_tokens: bool,
) -> Result<LoadedTokenizer, FatalError> {
    load_tokenizer_with_cache(source, special_tokens, None)
}

/// [`load_tokenizer`] with compiled fast routes looked up in, and stored to, `cache` (`None`:
/// not cached; [`CompiledCache::platform`] is the user's cache folder).
pub fn load_tokenizer_with_cache(
    source: &TokenizerSource,
    special_tokens: bool,
    cache: Option<CompiledCache>,
) -> Result<LoadedTokenizer, FatalError> {
    if *source == TokenizerSource::EmbeddedLlama3
        && let Some(entry) = cache.as_ref().and_then(|c| c.load(EMBEDDED_LLAMA3_SHA256))
    {
        let info = TokenizerInfo {
            name: "llama3".to_string(),
            sha256: EMBEDDED_LLAMA3_SHA256.to_string(),
            vocab_size: entry.vocab_size,
            special_tokens,
            origin: "embedded".to_string(),
        };
        return Ok(LoadedTokenizer {
            info,
            cache,
            prepared: Prepared::Cached(Box::new(entry)),
            text: TokenizerText {
                json: OnceLock::new(),
                json_bytes: None,
                kept: None,
            },
        });
    }
    let (raw, name, origin) = match source {
        TokenizerSource::EmbeddedLlama3 => (
            EMBEDDED_LLAMA3.to_vec(),
            "llama3".to_string(),
            "embedded".to_string(),
        ),
        TokenizerSource::File(path) => {
            let raw = read_small_file(path, MAX_TOKENIZER_BYTES, "tokenizer")
                .map_err(|e| fatal(source, e.to_string()))?;
            (raw, name_from_path(path), path.display().to_string())
        }
    };
    let bytes = decompress(raw).map_err(|e| fatal(source, e))?;
    let sha256 = crate::display::hex(&Sha256::digest(&bytes));
    let info = |vocab_size| TokenizerInfo {
        name,
        sha256: sha256.clone(),
        vocab_size,
        special_tokens,
        origin,
    };
    if let Some(entry) = cache.as_ref().and_then(|c| c.load(&sha256)) {
        // The bytes whose load wrote the entry: the crate accepted them then.
        return Ok(LoadedTokenizer {
            info: info(entry.vocab_size),
            cache,
            prepared: Prepared::Cached(Box::new(entry)),
            text: TokenizerText {
                json: OnceLock::new(),
                json_bytes: Some(bytes),
                kept: None,
            },
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| fatal(source, e.to_string()))?;
    let tokenizer = Tokenizer::from_str(&text).map_err(|e| fatal(source, e.to_string()))?;
    let prepared = accepted(&text, &tokenizer).map_err(|e| fatal(source, e))?;
    Ok(LoadedTokenizer {
        info: info(tokenizer.get_vocab_size(true) as u64),
        cache,
        prepared,
        text: TokenizerText {
            json: OnceLock::from(text),
            json_bytes: None,
            kept: Some(tokenizer),
        },
    })
}

/// The routes' view of a `tokenizer.json` that `tokenizer` (the crate's object) accepted: its
/// JSON tree and the tokens its post-processor adds.
fn accepted(text: &str, tokenizer: &Tokenizer) -> Result<Prepared, String> {
    let json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let post_processor_tokens = tokenizer
        .get_post_processor()
        .map_or(0, |post| post.added_tokens(false) as u64);
    Ok(Prepared::Parsed {
        json: Box::new(json),
        post_processor_tokens,
    })
}

/// The text of a tokenizer's companion file (a `tokenizer_config.json`, a chat template; zstd
/// or gzip compressed or not), no larger than a tokenizer may be.
pub fn read_config_text(path: &Path) -> Result<String, String> {
    let raw =
        read_small_file(path, MAX_TOKENIZER_BYTES, "chat template").map_err(|e| e.to_string())?;
    String::from_utf8(decompress(raw)?).map_err(|e| format!("not UTF-8 text: {e}"))
}

fn fatal(source: &TokenizerSource, message: String) -> FatalError {
    let path = match source {
        TokenizerSource::EmbeddedLlama3 => "(embedded llama3)".to_string(),
        TokenizerSource::File(p) => p.display().to_string(),
    };
    FatalError::Tokenizer { path, message }
}

/// Decompresses by magic number: zstd, gzip, or plain bytes as they are; never more than
/// [`MAX_TOKENIZER_BYTES`].
fn decompress(raw: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let limit = MAX_TOKENIZER_BYTES + 1;
    if raw.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        zstd::stream::read::Decoder::new(&raw[..])
            .and_then(|d| d.take(limit).read_to_end(&mut out))
            .map_err(|e| format!("corrupt zstd data: {e}"))?;
    } else if raw.starts_with(&[0x1F, 0x8B]) {
        flate2::read::MultiGzDecoder::new(&raw[..])
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|e| format!("corrupt gzip data: {e}"))?;
    } else {
        return Ok(raw);
    }
    if out.len() as u64 >= limit {
        return Err(format!(
            "decompresses to more than the {MAX_TOKENIZER_BYTES}-byte limit for a tokenizer"
        ));
    }
    Ok(out)
}

/// `models/llama3.tokenizer.json.zst` is `llama3`; `gpt2/tokenizer.json` is `gpt2`.
fn name_from_path(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = file.as_str();
    for suffix in [".zst", ".gz", ".json", "tokenizer", "."] {
        stem = stem.strip_suffix(suffix).unwrap_or(stem);
    }
    if !stem.is_empty() {
        return stem.to_string();
    }
    path.parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tokenizer".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_file_or_folder() {
        assert_eq!(
            name_from_path(Path::new("a/llama3.tokenizer.json.zst")),
            "llama3"
        );
        assert_eq!(
            name_from_path(Path::new("models/gpt2/tokenizer.json")),
            "gpt2"
        );
        assert_eq!(name_from_path(Path::new("qwen.json.gz")), "qwen");
    }

    #[test]
    fn the_embedded_fingerprint_is_its_json_s() {
        let json = decompress(EMBEDDED_LLAMA3.to_vec()).unwrap();
        assert_eq!(
            crate::display::hex(&Sha256::digest(&json)),
            EMBEDDED_LLAMA3_SHA256
        );
    }

    #[test]
    fn embedded_default_loads_and_is_fingerprinted() {
        let t = load_tokenizer(&TokenizerSource::EmbeddedLlama3, false).unwrap();
        assert_eq!(t.info.name, "llama3");
        assert_eq!(t.info.vocab_size, 128_256);
        assert_eq!(t.info.sha256.len(), 64);
    }

    #[test]
    fn plain_gzip_and_zstd_files_give_one_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let json = decompress(EMBEDDED_LLAMA3.to_vec()).unwrap();
        let plain = dir.path().join("tokenizer.json");
        std::fs::write(&plain, &json).unwrap();
        let gz = dir.path().join("llama3.tokenizer.json.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &json).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let embedded = load_tokenizer(&TokenizerSource::EmbeddedLlama3, false)
            .unwrap()
            .info;
        for path in [plain, gz] {
            let info = load_tokenizer(&TokenizerSource::File(path), true)
                .unwrap()
                .info;
            assert_eq!(info.sha256, embedded.sha256);
            assert_eq!(info.vocab_size, embedded.vocab_size);
            assert!(info.special_tokens);
        }
    }

    #[test]
    fn garbage_is_a_fatal_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, b"{not json").unwrap();
        let err = load_tokenizer(&TokenizerSource::File(path), false)
            .err()
            .unwrap();
        assert!(err.to_string().contains("cannot load tokenizer"));
    }
}
