//! The rules that tell text from binary, in one place: a leading UTF-8 byte-order mark is an
//! encoding marker and never text; a NUL byte in the first 8 KiB makes a file binary (as git and
//! ripgrep judge), except that a JSONL file whose first line is JSON is text (a NUL inside a later
//! record is that record's error, not the file's).

use super::Problem;
use crate::error::ErrorKind;

/// The UTF-8 byte-order mark, which is an encoding marker and not counted as text.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many leading bytes are inspected for NUL to tell binary files from text.
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// `bytes` without a leading byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// Whether the start of a file looks binary (contains a NUL byte).
pub fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(BINARY_SNIFF_BYTES)]).is_some()
}

/// Whether the start of a JSONL file looks binary: a NUL byte in its first 8 KiB and a first
/// line that is not JSON.
pub fn jsonl_looks_binary(head: &[u8]) -> bool {
    if !looks_binary(head) {
        return false;
    }
    let head = strip_bom(head);
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    serde_json::from_slice::<serde::de::IgnoredAny>(first).is_err()
}

/// The problem of a JSONL file that [`jsonl_looks_binary`].
pub fn jsonl_binary_problem() -> Problem {
    Problem::new(
        ErrorKind::Binary,
        format!(
            "NUL byte in the first {BINARY_SNIFF_BYTES} bytes: binary data where JSONL text is expected"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_the_head_is_binary_unless_the_first_line_is_json() {
        assert!(!looks_binary(b"plain text\n"));
        assert!(looks_binary(b"PK\x03\x04\x00\x00"));
        let late = [vec![b'a'; BINARY_SNIFF_BYTES], vec![0]].concat();
        assert!(!looks_binary(&late), "only the first 8 KiB are sniffed");
        assert!(jsonl_looks_binary(b"\x00\x01garbage\n{\"text\":\"a\"}\n"));
        assert!(!jsonl_looks_binary(
            b"{\"text\":\"a\"}\n\x00broken record\n"
        ));
        assert!(!jsonl_looks_binary(b"\xEF\xBB\xBF{\"text\":\"a\"}\n\x00\n"));
        assert_eq!(strip_bom(b"\xEF\xBB\xBFx"), b"x");
        assert_eq!(strip_bom(b"x\xEF\xBB\xBF"), b"x\xEF\xBB\xBF");
        assert_eq!(jsonl_binary_problem().kind, ErrorKind::Binary);
    }
}
