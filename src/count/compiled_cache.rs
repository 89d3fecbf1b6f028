//! The on-disk cache of compiled fast routes: a tokenizer's [`CompiledRoute`] and the figures
//! that would otherwise need its whole `tokenizer.json` parsed, kept in a folder the caller
//! gives (the command line's is the platform cache folder, `$XDG_CACHE_HOME/tokencensus`, else
//! `~/.cache/tokencensus`) and keyed by the SHA-256 of the `tokenizer.json`, so that a later run
//! starts without parsing it. An entry is written only after the `tokenizers` crate accepted
//! that `tokenizer.json`.
//!
//! An entry names its format version and the tokencensus version that wrote it, both in its
//! file name and in its header, so an entry of another format or release is never read; its
//! payload carries its length and an XXH3 checksum, so a truncated or damaged entry is refused
//! and rebuilt, never trusted. Entries are written to a temporary file and renamed into place,
//! so a reader sees a whole entry or none.

use super::fast::compiled::CompiledRoute;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"TCROUTE\0";
/// The entry format; bump it whenever the compiled form, how it is read from a `tokenizer.json`,
/// or what is computed into it (the whole-character tables: `count::fast::whole_chars`, whose
/// tests pin a digest of Llama 3's tables for this reason) changes.
const FORMAT: u32 = 2;
/// Entries larger than this are not read (Gemma 3's, the largest supported, is about 9 MB).
const MAX_ENTRY_BYTES: u64 = 256 << 20;

/// A tokenizer as the cache keeps it: its compiled route and its description's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTokenizer {
    /// The fast route's compiled form.
    pub route: CompiledRoute,
    /// The vocabulary size, added tokens included.
    pub vocab_size: u64,
    /// The tokens the post-processor adds to a document when special tokens are counted.
    pub post_processor_tokens: u64,
}

/// A [`CachedTokenizer`] being stored, its route borrowed.
#[derive(Debug, Clone, Copy)]
pub struct CachedEntry<'a> {
    /// The fast route's compiled form.
    pub route: &'a CompiledRoute,
    /// The vocabulary size, added tokens included.
    pub vocab_size: u64,
    /// The tokens the post-processor adds to a document when special tokens are counted.
    pub post_processor_tokens: u64,
}

/// A folder of compiled routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledCache {
    dir: PathBuf,
}

impl CompiledCache {
    /// The cache in `dir` (created when the first entry is written).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The platform cache folder's `tokencensus` folder: `$XDG_CACHE_HOME/tokencensus` when
    /// that is an absolute path, else `$HOME/.cache/tokencensus`; `None` without either.
    pub fn platform() -> Option<Self> {
        let absolute = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        absolute("XDG_CACHE_HOME")
            .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
            .map(|base| Self::at(base.join("tokencensus")))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry file of the tokenizer whose `tokenizer.json` has SHA-256 `sha256` (hex).
    pub fn entry_path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!(
            "{sha256}.route-v{FORMAT}-{}.bin",
            env!("CARGO_PKG_VERSION")
        ))
    }

    /// The entry of `sha256`, or `None` when there is none or it is not whole and valid.
    pub fn load(&self, sha256: &str) -> Option<CachedTokenizer> {
        let file = std::fs::File::open(self.entry_path(sha256)).ok()?;
        if file.metadata().ok()?.len() > MAX_ENTRY_BYTES {
            return None;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut &file, &mut bytes).ok()?;
        decode(&bytes, sha256)
    }

    /// Writes the entry of `sha256` atomically (a temporary file renamed into place).
    pub fn store(&self, sha256: &str, entry: CachedEntry<'_>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.entry_path(sha256);
        let temporary = self.dir.join(format!(
            ".{sha256}.{}.{}.tmp",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let written = std::fs::File::create(&temporary).and_then(|mut file| {
            file.write_all(&encode(entry, sha256))?;
            file.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temporary, &path));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        renamed
    }
}

/// The header (magic, format, version, key, figures, payload length and checksum), then the
/// payload.
fn encode(entry: CachedEntry<'_>, sha256: &str) -> Vec<u8> {
    let payload = entry.route.to_bytes();
    let mut out = Vec::with_capacity(payload.len() + 128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    for text in [env!("CARGO_PKG_VERSION"), sha256] {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    for figure in [
        entry.vocab_size,
        entry.post_processor_tokens,
        payload.len() as u64,
        twox_hash::XxHash3_64::oneshot(&payload),
    ] {
        out.extend_from_slice(&figure.to_le_bytes());
    }
    out.extend_from_slice(&payload);
    out
}

/// Reads [`encode`]'s output back, refusing another key, format or version, a wrong length or
/// checksum, and a payload that does not decode.
fn decode(bytes: &[u8], sha256: &str) -> Option<CachedTokenizer> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut take = |n: usize| {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    let format = u32::from_le_bytes(take(4)?.try_into().ok()?);
    if format != FORMAT {
        return None;
    }
    for want in [env!("CARGO_PKG_VERSION"), sha256] {
        let len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        if take(len)? != want.as_bytes() {
            return None;
        }
    }
    let mut figure = || Some(u64::from_le_bytes(take(8)?.try_into().ok()?));
    let (vocab_size, post_processor_tokens) = (figure()?, figure()?);
    let (length, checksum) = (figure()?, figure()?);
    let payload = take(usize::try_from(length).ok()?)?;
    if !rest.is_empty() || twox_hash::XxHash3_64::oneshot(payload) != checksum {
        return None;
    }
    Some(CachedTokenizer {
        route: CompiledRoute::from_bytes(payload)?,
        vocab_size,
        post_processor_tokens,
    })
}
