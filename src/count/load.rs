//! Loading a `tokenizer.json` (plain, `.zst` or `.gz`, or the embedded Llama 3 default) and
//! describing it for reports: name, SHA-256 of the JSON bytes, vocabulary size.

use crate::error::FatalError;
use crate::read::small_file::{MAX_TOKENIZER_BYTES, read_small_file};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tokenizers::Tokenizer;

/// The embedded default tokenizer: Meta's Llama 3 `tokenizer.json`, zstd-compressed.
const EMBEDDED_LLAMA3: &[u8] =
    include_bytes!("../../fixtures/tokenizers/llama3.tokenizer.json.zst");

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

/// A parsed tokenizer with its description.
pub struct LoadedTokenizer {
    /// The parsed tokenizer.
    pub tokenizer: Tokenizer,
    /// The `tokenizer.json` text, for routes that read it themselves.
    pub json: String,
    /// Its description for reports.
    pub info: TokenizerInfo,
}

/// Loads and fingerprints the tokenizer; `special_tokens` is recorded in the description.
pub fn load_tokenizer(
    source: &TokenizerSource,
    special_tokens: bool,
) -> Result<LoadedTokenizer, FatalError> {
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
    let json = decompress(raw).map_err(|e| fatal(source, e))?;
    let sha256 = crate::display::hex(&Sha256::digest(&json));
    let text = String::from_utf8(json).map_err(|e| fatal(source, e.to_string()))?;
    let tokenizer = Tokenizer::from_str(&text).map_err(|e| fatal(source, e.to_string()))?;
    let vocab_size = tokenizer.get_vocab_size(true) as u64;
    Ok(LoadedTokenizer {
        tokenizer,
        json: text,
        info: TokenizerInfo {
            name,
            sha256,
            vocab_size,
            special_tokens,
            origin,
        },
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
