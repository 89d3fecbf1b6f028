//! Splitting a buffer of whole lines: `\n` ends a line, a trailing `\r` is dropped, and a
//! missing final newline is fine.

/// Iterates the lines of `buf` as `(index, line)`, index counting from 0 and lines without
/// their `\n` or `\r\n` ending.
pub fn lines(buf: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut rest = buf;
    let mut index = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let item = (index, line);
        index += 1;
        Some(item)
    })
}

/// The number of lines that [`lines`] yields for `buf`.
pub fn count_lines(buf: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', buf).count() as u64;
    newlines + u64::from(!buf.is_empty() && !buf.ends_with(b"\n"))
}

/// The number of lines of the file at `path` that start before byte `offset`: what a range
/// starting at `offset` adds to its own line numbers. Reads the file up to `offset`.
pub fn lines_before(path: &std::path::Path, offset: u64) -> std::io::Result<u64> {
    use std::io::Read;
    if offset == 0 {
        return Ok(0);
    }
    // Line starts before `offset`: byte 0, and the byte after each `\n` in `0..offset - 1`.
    let mut rest = std::fs::File::open(path)?.take(offset - 1);
    let mut block = vec![0u8; 1 << 20];
    let mut starts = 1;
    loop {
        let n = rest.read(&mut block)?;
        if n == 0 {
            return Ok(starts);
        }
        starts += memchr::memchr_iter(b'\n', &block[..n]).count() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_before_an_offset_are_the_line_starts_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"ab\ncd\n\nef").unwrap();
        let expected = [0, 1, 1, 1, 2, 2, 2, 3, 4, 4, 4];
        for (offset, want) in expected.iter().enumerate() {
            assert_eq!(
                lines_before(&path, offset as u64).unwrap(),
                *want,
                "{offset}"
            );
        }
    }

    #[test]
    fn endings_and_counts_agree() {
        for buf in [&b""[..], b"a", b"a\n", b"a\r\nb", b"\n\n", b"x\ny\n\nz"] {
            assert_eq!(lines(buf).count() as u64, count_lines(buf), "{buf:?}");
        }
        let got: Vec<_> = lines(b"a\r\n\nb").map(|(_, l)| l).collect();
        assert_eq!(got, vec![&b"a"[..], b"", b"b"]);
    }
}
