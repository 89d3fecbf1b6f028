//! The temporary files a checkpoint save writes before renaming them into place, and the
//! removal of those that a killed run left behind. A temporary file is named
//! `.KEY.HOST.PID.tmp`: it is stale when the process that wrote it on this machine is gone, or,
//! whatever machine wrote it (a folder on a shared file system), when it has not been touched
//! for [`STALE_AFTER`] (a save takes milliseconds).

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a temporary file of another machine (or of an older naming) is left alone.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// The temporary name this process saves the result under `key` to.
pub fn temporary_name(key: &str) -> String {
    format!(".{key}.{}.{}.tmp", host_name(), std::process::id())
}

/// Removes the temporary files in `dir` that no running save will rename any more; a file that
/// cannot be removed is left (the next run tries again).
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let host = host_name();
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(writer) = name.to_str().and_then(writer_of) else {
            continue;
        };
        let gone = writer.host == Some(host.as_str()) && !process_runs(writer.pid);
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() >= STALE_AFTER);
        if gone || old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Who wrote a temporary file: the machine (absent in older names) and the process.
#[derive(Debug, PartialEq, Eq)]
struct Writer<'a> {
    host: Option<&'a str>,
    pid: u32,
}

/// The writer of the temporary file `name` (`.KEY.HOST.PID.tmp`, or `.KEY.PID.tmp` from older
/// versions); `None` for any other file.
fn writer_of(name: &str) -> Option<Writer<'_>> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (key, rest) = inner.split_once('.')?;
    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let (host, pid) = match rest.rsplit_once('.') {
        Some((host, pid)) => (Some(host), pid),
        None => (None, rest),
    };
    Some(Writer {
        host,
        pid: pid.parse().ok()?,
    })
}

/// This machine's name (dots kept; `unknown` when it cannot be read).
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is writable for its whole length, which is passed along.
    let status = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match (status, std::str::from_utf8(&buf[..end])) {
        (0, Ok(name)) if !name.is_empty() && !name.contains('/') => name.to_string(),
        _ => "unknown".to_string(),
    }
}

/// Whether a process `pid` runs on this machine (one we may not signal runs too).
fn process_runs(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let status = unsafe { libc::kill(pid, 0) };
    status == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_name_their_writer() {
        let key = "ab".repeat(32);
        let name = temporary_name(&key);
        let writer = writer_of(&name).unwrap();
        assert_eq!(writer.pid, std::process::id());
        assert_eq!(writer.host, Some(host_name().as_str()));
        let legacy = format!(".{key}.42.tmp");
        assert_eq!(
            writer_of(&legacy),
            Some(Writer {
                host: None,
                pid: 42
            })
        );
        for other in [
            format!("{key}.json"),
            ".probe-1".to_string(),
            format!(".{}.1.tmp", "x".repeat(64)),
            format!(".{key}.host.notapid.tmp"),
        ] {
            assert_eq!(writer_of(&other), None, "{other}");
        }
        assert!(process_runs(std::process::id()));
    }
}
