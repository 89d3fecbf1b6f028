//! Loading a `tokenizer.json` (plain, `.zst` or `.gz`, or the embedded Llama 3 default) and
//! describing it for reports: name, SHA-256 of the JSON bytes, vocabulary size. Loading parses
//! the JSON at most once and never builds the `tokenizers` crate's object: a route that needs
//! it asks [`LoadedTokenizer::crate_tokenizer`]. When the compiled-route cache holds this
//! tokenizer, the JSON is not parsed at all.

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

/// A loaded tokenizer: its `tokenizer.json`, its description, and what the routes are built
/// from (the cached compiled route, or the parsed JSON).
pub struct LoadedTokenizer {
    /// The `tokenizer.json` text, made on first use (see [`LoadedTokenizer::json`]).
    json: OnceLock<String>,
    /// The bytes it is made from when loading did not need it: `None` for the embedded
    /// tokenizer (decompressed then), else the file's JSON bytes.
    json_bytes: Option<Vec<u8>>,
    /// Its description for reports.
    pub info: TokenizerInfo,
    /// Where compiled fast routes are looked up and stored (`None`: no cache).
    pub(crate) cache: Option<CompiledCache>,
    /// The parsed JSON or the cache entry, whichever loading found.
    pub(crate) prepared: Prepared,
}

/// What loading prepared for choosing a route.
pub(crate) enum Prepared {
    /// The cache's entry for this tokenizer: the JSON was not parsed.
    Cached(Box<CachedTokenizer>),
    /// The parsed `tokenizer.json`.
    Parsed(Box<serde_json::Value>),
}

impl LoadedTokenizer {
    /// A tokenizer from its `tokenizer.json` text, described by `info` (its vocabulary size is
    /// left as given), without a cache.
    pub fn from_json(json: String, info: TokenizerInfo) -> Result<Self, FatalError> {
        let value = serde_json::from_str(&json).map_err(|e| FatalError::Tokenizer {
            path: info.origin.clone(),
            message: e.to_string(),
        })?;
        Ok(Self {
            json: OnceLock::from(json),
            json_bytes: None,
            info,
            cache: None,
            prepared: Prepared::Parsed(Box::new(value)),
        })
    }

    /// The `tokenizer.json` text. When the route came from the cache it is made now (the
    /// embedded tokenizer decompressed, a file's bytes copied: they are the bytes the cache
    /// entry was compiled from, so they are UTF-8).
    pub fn json(&self) -> &str {
        self.json.get_or_init(|| match &self.json_bytes {
            Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            None => {
                let bytes = decompress(EMBEDDED_LLAMA3.to_vec()).unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        })
    }

    /// The `tokenizer.json` text, taken out.
    pub fn into_json(mut self) -> String {
        self.json();
        self.json.take().unwrap_or_default()
    }

    /// The `tokenizers` crate's object, built from the JSON now (it takes a while: only routes
    /// that count with the crate, and `verify`, ask for it).
    pub fn crate_tokenizer(&self) -> Result<Tokenizer, super::TokenizerError> {
        Tokenizer::from_str(self.json()).map_err(|e| super::TokenizerError(e.to_string()))
    }

    /// Whether loading found this tokenizer's compiled route in the cache (then its JSON was
    /// not parsed).
    pub fn is_cached(&self) -> bool {
        matches!(self.prepared, Prepared::Cached(_))
    }
}

/// Loads and fingerprints the tokenizer; `special_tokens` is recorded in the description.
/// Compiled routes are cached in the platform cache folder ([`CompiledCache::platform`]).
pub fn load_tokenizer(
    source: &TokenizerSource,
    special_tokens: bool,
) -> Result<LoadedTokenizer, FatalError> {
    load_tokenizer_with_cache(source, special_tokens, CompiledCache::platform())
}

/// [`load_tokenizer`] with the compiled routes cached in `cache` (`None`: not cached).
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
            json: OnceLock::new(),
            json_bytes: None,
            info,
            cache,
            prepared: Prepared::Cached(Box::new(entry)),
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
        // The bytes the entry was compiled from: UTF-8, checked then.
        return Ok(LoadedTokenizer {
            json: OnceLock::new(),
            json_bytes: Some(bytes),
            info: info(entry.vocab_size),
            cache,
            prepared: Prepared::Cached(Box::new(entry)),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| fatal(source, e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fatal(source, e.to_string()))?;
    Ok(LoadedTokenizer {
        info: info(vocab_size_of(&value)),
        json: OnceLock::from(text),
        json_bytes: None,
        cache,
        prepared: Prepared::Parsed(Box::new(value)),
    })
}

/// The vocabulary size with added tokens, as `tokenizers` counts it
/// (`Tokenizer::get_vocab_size(true)`): the model's tokens, plus the added tokens that are not
/// among them.
pub fn vocab_size_of(json: &serde_json::Value) -> u64 {
    let vocab = &json["model"]["vocab"];
    let in_model = |token: &str| match vocab {
        serde_json::Value::Object(map) => map.contains_key(token),
        serde_json::Value::Array(pieces) => pieces.iter().any(|p| p[0] == token),
        _ => false,
    };
    let base = match vocab {
        serde_json::Value::Object(map) => map.len(),
        serde_json::Value::Array(pieces) => pieces.len(),
        _ => 0,
    };
    let added: std::collections::BTreeSet<&str> = json["added_tokens"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t["content"].as_str())
        .collect();
    let beyond_model = added.iter().filter(|t| !in_model(t)).count();
    (base + beyond_model) as u64
}

/// The tokens the post-processor of a parsed `tokenizer.json` adds to one document (0 without
/// a post-processor).
pub fn post_processor_tokens(json: &serde_json::Value) -> Result<u64, super::TokenizerError> {
    let post = &json["post_processor"];
    if post.is_null() {
        return Ok(0);
    }
    let post: tokenizers::processors::PostProcessorWrapper =
        serde_json::from_value(post.clone())
            .map_err(|e| super::TokenizerError(format!("post-processor: {e}")))?;
    Ok(post.added_tokens(false) as u64)
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
    fn vocabulary_sizes_and_post_processors_agree_with_the_crate() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tokenizers");
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let source = TokenizerSource::File(entry.unwrap().path());
            let loaded = load_tokenizer_with_cache(&source, false, None).unwrap();
            let tokenizer = loaded.crate_tokenizer().unwrap();
            let json: serde_json::Value = serde_json::from_str(loaded.json()).unwrap();
            let name = &loaded.info.name;
            assert_eq!(
                loaded.info.vocab_size,
                tokenizer.get_vocab_size(true) as u64,
                "{name}"
            );
            let want = tokenizer
                .get_post_processor()
                .map_or(0, |p| p.added_tokens(false) as u64);
            assert_eq!(post_processor_tokens(&json).unwrap(), want, "{name}");
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
