//! Reading a small file whole (a manifest, a tokenizer, a saved report or checkpoint result):
//! only a regular file is read, never more than a stated limit, so that `/dev/zero`, a FIFO or a
//! huge file given by mistake is refused at once instead of filling memory or blocking.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The largest manifest read (`sources.toml`): 64 MiB, some 500,000 sources.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// The largest `tokenizer.json` read, stored and uncompressed: 512 MiB (the largest published
/// ones are under 50 MB).
pub const MAX_TOKENIZER_BYTES: u64 = 512 << 20;
/// The largest `--files-from` list (or manifest `files_from` list) read: 1 GiB, some ten
/// million entries.
pub const MAX_LIST_BYTES: u64 = 1 << 30;
/// The largest JSON report read (`report`, `merge`) and checkpoint result: 2 GiB.
pub const MAX_REPORT_BYTES: u64 = 2 << 30;

/// Why a small file was not read.
#[derive(Debug, thiserror::Error)]
pub enum SmallFileError {
    /// It could not be opened or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// It is a device, a FIFO, a socket or a folder.
    #[error("not a regular file but {0}: give a file")]
    NotRegular(&'static str),
    /// It holds more than the limit.
    #[error("larger than the {limit}-byte limit for a {what}")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
        /// What the file was to be (`manifest`, `tokenizer`, `report`).
        what: &'static str,
    },
}

/// The bytes of the regular file at `path`, a `what` of at most `limit` bytes. The file is
/// opened without blocking (a FIFO is refused, not waited on) and checked after opening, so a
/// path swapped for something else in between is refused too.
pub fn read_small_file(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, SmallFileError> {
    let (file, len) = open_regular(path)?;
    let too_large = SmallFileError::TooLarge { limit, what };
    if len > limit {
        return Err(too_large);
    }
    // A file may hold more than its stated size (or grow meanwhile): read one byte past the
    // limit to know.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large);
    }
    Ok(bytes)
}

/// The first `limit` bytes (or fewer) of the regular file at `path`, opened as
/// [`read_small_file`] opens one: whatever its size, and never blocking on a FIFO.
pub fn read_head(path: &Path, limit: u64) -> Result<Vec<u8>, SmallFileError> {
    let (file, len) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The regular file at `path`, opened without blocking, and its stated length.
fn open_regular(path: &Path) -> Result<(File, u64), SmallFileError> {
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let metadata = file.metadata()?;
    let kind = metadata.file_type();
    if !kind.is_file() {
        return Err(SmallFileError::NotRegular(describe(&kind)));
    }
    Ok((file, metadata.len()))
}

/// [`read_small_file`] for a text file: its bytes must be UTF-8.
pub fn read_small_text(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<String, SmallFileError> {
    let bytes = read_small_file(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let message = format!("not UTF-8 text (invalid byte at offset {at})");
        SmallFileError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            message,
        ))
    })
}

/// What a file that is not regular is, in words.
pub(super) fn describe(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::write(&path, b"{}").unwrap();
        assert_eq!(read_small_file(&path, 2, "report").unwrap(), b"{}");
        let err = read_small_file(&path, 1, "report").unwrap_err();
        assert_eq!(err.to_string(), "larger than the 1-byte limit for a report");
        let err = read_small_file(Path::new("/dev/zero"), 10, "report").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a regular file but a character device: give a file"
        );
        let err = read_small_file(dir.path(), 10, "report").unwrap_err();
        assert!(
            matches!(err, SmallFileError::NotRegular("a folder")),
            "{err}"
        );
        let fifo = dir.path().join("fifo");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let err = read_small_file(&fifo, 10, "report").unwrap_err();
        assert!(matches!(
            err,
            SmallFileError::NotRegular("a FIFO (named pipe)")
        ));
        let err = read_head(&fifo, 10).unwrap_err();
        assert!(matches!(err, SmallFileError::NotRegular(_)), "{err}");
        assert_eq!(read_head(&path, 1).unwrap(), b"{");
        std::fs::write(&path, b"\xff").unwrap();
        let err = read_small_text(&path, 10, "manifest").unwrap_err();
        assert_eq!(err.to_string(), "not UTF-8 text (invalid byte at offset 0)");
    }
}
