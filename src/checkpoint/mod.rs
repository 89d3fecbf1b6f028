//! Resumable counts: with a checkpoint folder, each finished file (or shard range) leaves its
//! partial result there, written atomically (a temporary file renamed into place), under a key
//! that covers everything that could change the result: the tokenizer and its settings, the
//! source, and the file's path, size, modification time, inode, change time and range. Files
//! whose result holds an `io` error are not saved, so a re-run tries them again. A re-run skips every file
//! whose result is there and adds the saved results, so a count interrupted at any point (even
//! by `kill -9`) ends with the same report as an uninterrupted one.

use crate::error::{FatalError, InputError};
use crate::plan::{Plan, PlannedFile};
use crate::read::small_file::{MAX_REPORT_BYTES, read_small_text};
use crate::signals::index::FileKeys;
use crate::stats::signals::{Scope, SignalsConfig};
use crate::stats::{FormError, SourceStats, Tally};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

mod stale;

/// A checkpoint folder for one configuration of a count.
#[derive(Debug)]
pub struct CheckpointStore {
    dir: PathBuf,
    /// What every key covers besides the file: tokenizers, special tokens, program version.
    context: String,
    /// The names of the tokenizers results are counted with, primary first.
    names: Vec<String>,
}

/// The store and the key of each file of the plan being counted (`None`: never saved).
#[derive(Debug)]
pub struct Checkpoint<'a> {
    /// Where results go.
    pub store: &'a CheckpointStore,
    /// One key per planned file, in plan order.
    pub keys: Vec<Option<String>>,
}

/// The saved result of one file (or range): its statistics in their one serialised form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileResult {
    /// The file's statistics (every domain listed, signals as for a source).
    pub tally: Tally,
    /// Its tokens-per-document histogram (HDR V2 deflate, base64).
    pub hdr: Option<String>,
    /// Its input errors, line numbers final.
    pub errors: Vec<InputError>,
    /// With the dedup signal: its distinct texts' hashes (base64, see
    /// [`FileKeys::to_base64`]), or `null` when the file alone had more than the exact limit.
    #[serde(default)]
    pub dedup_keys: Option<String>,
}

/// A saved result read back.
#[derive(Debug, Clone)]
pub struct Restored {
    /// The file's statistics.
    pub stats: SourceStats,
    /// Its input errors.
    pub errors: Vec<InputError>,
    /// Its distinct texts, to put back into the run's de-duplication index.
    pub keys: FileKeys,
}

impl FileResult {
    /// The result of a file counted into `stats` with `errors`, under the signal settings
    /// `signals` (`None`: off).
    /// (`names`: the tokenizers counted with, primary first).
    pub fn new(
        stats: &SourceStats,
        errors: Vec<InputError>,
        signals: Option<&SignalsConfig>,
        names: &[String],
    ) -> Self {
        let signals = signals.map(|config| (config, Scope::Source));
        Self {
            tally: Tally::of(stats, usize::MAX, signals).with_tokenizers(stats, names, true),
            hdr: stats.tokens_per_document.to_base64(),
            errors,
            dedup_keys: None,
        }
    }

    /// Adds the file's distinct texts (`limit`: the exact de-duplication limit, `None` when
    /// the signals are off).
    pub fn with_keys(mut self, keys: Option<&FileKeys>, limit: Option<u64>) -> Self {
        if let (Some(keys), Some(limit)) = (keys, limit) {
            self.dedup_keys = keys.to_base64(limit);
        }
        self
    }

    /// The statistics again (`names`: the tokenizers counted with, primary first).
    pub fn stats(&self, names: &[String]) -> Result<SourceStats, FormError> {
        self.tally.to_stats_with(self.hdr.as_deref(), names)
    }
}

impl CheckpointStore {
    /// Opens (creating it if needed) the folder `dir` for counts with this `context` and the
    /// tokenizers `names` (primary first); fails early when the folder cannot be written.
    /// Temporary files that earlier runs left behind (a run killed while saving) are removed.
    pub fn open(dir: &Path, context: String, names: Vec<String>) -> Result<Self, FatalError> {
        let fail = |message: String| FatalError::Io {
            path: dir.to_path_buf(),
            message: format!("checkpoint folder: {message}"),
        };
        let io = |e: std::io::Error| fail(e.to_string());
        if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
            return Err(fail(
                "this is a file, not a folder (give the path of a folder; it is created if missing)"
                    .into(),
            ));
        }
        std::fs::create_dir_all(dir).map_err(io)?;
        let probe = dir.join(format!(".probe-{}", std::process::id()));
        std::fs::write(&probe, b"").map_err(io)?;
        std::fs::remove_file(&probe).map_err(io)?;
        stale::remove_stale_temporaries(dir);
        Ok(Self {
            dir: dir.to_path_buf(),
            context,
            names,
        })
    }

    /// The key of `file` of `plan` whose storage states `fingerprint` (for a local file: size,
    /// modification time, inode and change time, so that an edited file, even one given its old
    /// modification time back, or a replaced one is counted again).
    pub fn key(&self, plan: &Plan, file: &PlannedFile, fingerprint: &str) -> String {
        let source = &plan.sources[file.source];
        let (start, end) = file.span();
        let models = serde_json::to_string(&source.token_models).expect("token models serialise");
        let mut hasher = Sha256::new();
        hasher.update(format!(
            "{}\n{}\t{}\t{models}\t{:?}\t{:?}\t{:?}\n",
            self.context,
            source.name,
            source.text_field,
            source.date_field,
            source.url_field,
            source.collected,
        ));
        if let Some(chat) = &source.chat_field {
            hasher.update(format!("chat field {chat}\n"));
        }
        // The path's own bytes (a lossy display would make two non-UTF-8 names one key).
        hasher.update(file.path.as_os_str().as_encoded_bytes());
        hasher.update(format!("\n{fingerprint}\t{start}\t{end}\n"));
        crate::display::hex(&hasher.finalize())
    }

    fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The saved result under `key`, if a complete one is there.
    pub fn load(&self, key: &str) -> Option<Restored> {
        let path = self.path_of(key);
        let text = read_small_text(&path, MAX_REPORT_BYTES, "checkpoint result").ok()?;
        let saved: FileResult = serde_json::from_str(&text).ok()?;
        Some(Restored {
            stats: saved.stats(&self.names).ok()?,
            keys: FileKeys::from_base64(saved.dedup_keys.as_deref()).ok()?,
            errors: saved.errors,
        })
    }

    /// The names of the tokenizers results are counted with, primary first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Saves `result` under `key` atomically: written to a temporary file, synced, renamed.
    pub fn save(&self, key: &str, result: &FileResult) -> std::io::Result<()> {
        use std::io::Write;
        let tmp = self.dir.join(stale::temporary_name(key));
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&serde_json::to_vec(result).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(&tmp, self.path_of(key))
    }
}
