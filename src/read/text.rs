//! Plain-text documents: a whole file is one document. A leading UTF-8 byte-order mark is
//! dropped; NUL bytes mean a binary file; invalid UTF-8 is reported with its line.

use super::{Problem, UTF8_BOM};
use crate::error::ErrorKind;

/// The document text of a plain-text file, or the problem and (1-based) line that prevent it.
pub fn document_text(bytes: &[u8]) -> Result<&str, (Problem, Option<u64>)> {
    let skipped = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let text = &bytes[skipped..];
    if let Some(at) = memchr::memchr(0, text) {
        let problem = Problem::new(
            ErrorKind::Binary,
            format!(
                "NUL byte at offset {}: binary data where text is expected",
                at + skipped
            ),
        );
        return Err((problem, None));
    }
    std::str::from_utf8(text).map_err(|e| {
        let at = e.valid_up_to();
        let line = super::lines::count_lines(&text[..at])
            + u64::from(text[..at].ends_with(b"\n") || at == 0);
        let problem = Problem::new(
            ErrorKind::InvalidUnicode,
            format!("invalid UTF-8 at byte offset {}", at + skipped),
        );
        (problem, Some(line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_bad_bytes_are_located() {
        assert_eq!(document_text(b"\xEF\xBB\xBFhello").unwrap(), "hello");
        let (p, _) = document_text(b"\xEF\xBB\xBFab\xff").unwrap_err();
        assert_eq!(
            p.message, "invalid UTF-8 at byte offset 5",
            "offsets count from the file start"
        );
        let (p, line) = document_text(b"ok\nfine\nbad \xff here").unwrap_err();
        assert_eq!((p.kind, line), (ErrorKind::InvalidUnicode, Some(3)));
        let (p, line) = document_text(b"\xffx").unwrap_err();
        assert_eq!((p.kind, line), (ErrorKind::InvalidUnicode, Some(1)));
        let (p, _) = document_text(b"PK\x03\x04\x00\x00").unwrap_err();
        assert_eq!(p.kind, ErrorKind::Binary);
    }
}
