//! The fast path of [`super::extract_record`]: one pass over a common JSONL record. The object's
//! punctuation and keys are read here, every value but the text with serde_json (as a
//! `RawValue` of `Deserializer::from_slice`, which validates its UTF-8), and the text string is
//! scanned once: borrowed from the line when it has no escapes, else decoded into the caller's
//! buffer as it is scanned. It only ever decides successes: whatever it does not accept (a blank
//! or invalid line, a key with escapes, a missing or non-string text, a lone surrogate) is left
//! to the reference path, which words the problem. `extract_record` argues why its successes
//! are the reference's.

use super::record::FieldNames;
use serde::Deserialize as _;
use serde_json::value::RawValue;

/// A record the fast path read.
pub(super) struct Found<'a> {
    /// The text borrowed from the line (or a chat field's raw messages array), or `None` when
    /// it was decoded into the caller's buffer.
    pub text: Option<&'a str>,
    /// The raw value of the date field, if named and present.
    pub date: Option<&'a RawValue>,
    /// The raw value of the URL field, if named and present.
    pub url: Option<&'a RawValue>,
}

/// The record of `line` read in one pass, or `None` to leave the line to the reference path.
/// `buf` keeps its capacity; it holds the text when [`Found::text`] is `None`.
pub(super) fn record<'a>(
    line: &'a [u8],
    names: &FieldNames<'_>,
    buf: &mut String,
) -> Option<Found<'a>> {
    let mut at = whitespace(line, 0);
    if line.get(at) != Some(&b'{') {
        return None;
    }
    at = whitespace(line, at + 1);
    let mut text = None;
    let [mut date, mut url] = [None; 2];
    if line.get(at) != Some(&b'}') {
        loop {
            if line.get(at) != Some(&b'"') {
                return None;
            }
            let (key, after) = read_key(line, at + 1)?;
            at = whitespace(line, after);
            if line.get(at) != Some(&b':') {
                return None;
            }
            at = whitespace(line, at + 1);
            // The same order as the reference's `KeySlot`: text, then date, then URL.
            if key == names.text.as_bytes() && !names.chat {
                if line.get(at) != Some(&b'"') {
                    return None;
                }
                let (found, after) = read_string(line, at + 1, buf)?;
                text = Some(found);
                at = after;
            } else {
                let raw = raw_value(line, at)?;
                at += raw.get().len();
                if key == names.text.as_bytes() {
                    text = Some(Some(raw.get()));
                } else if Some(key) == names.date.map(str::as_bytes) {
                    date = Some(raw);
                } else if Some(key) == names.url.map(str::as_bytes) {
                    url = Some(raw);
                }
            }
            at = whitespace(line, at);
            match line.get(at) {
                Some(b',') => at = whitespace(line, at + 1),
                Some(b'}') => break,
                _ => return None,
            }
        }
    }
    if whitespace(line, at + 1) != line.len() {
        return None;
    }
    let text = text?;
    if names.chat && text.is_none_or(|raw| !raw.starts_with('[')) {
        return None;
    }
    Some(Found { text, date, url })
}

/// The index of the first byte at or after `at` that is not JSON whitespace (space, tab, LF,
/// CR: not the form feed, as in serde_json).
fn whitespace(line: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = line.get(at) {
        at += 1;
    }
    at
}

/// The key whose text starts at `start` (after its quote), and the index after its closing
/// quote; `None` for a key with escapes, control characters or invalid UTF-8.
fn read_key(line: &[u8], start: usize) -> Option<(&[u8], usize)> {
    let len = special(&line[start..])?;
    let key = &line[start..start + len];
    (line[start + len] == b'"' && std::str::from_utf8(key).is_ok())
        .then_some((key, start + len + 1))
}

/// The value of a JSON value other than a text string, starting at `at` (not whitespace),
/// read by serde_json as the reference reads it; its length is where it ends.
fn raw_value(line: &[u8], at: usize) -> Option<&RawValue> {
    let mut de = serde_json::Deserializer::from_slice(&line[at..]);
    let raw = <&RawValue>::deserialize(&mut de).ok()?;
    debug_assert_eq!(raw.get().as_ptr(), line[at..].as_ptr());
    Some(raw)
}

/// The string whose text starts at `start` (after its quote), and the index after its closing
/// quote: borrowed when it has no escapes, else decoded into `buf` (`None` in the first place).
/// `None` for control characters, invalid escapes, lone surrogates or invalid UTF-8.
fn read_string<'a>(
    line: &'a [u8],
    start: usize,
    buf: &mut String,
) -> Option<(Option<&'a str>, usize)> {
    let first = start + special(&line[start..])?;
    if line[first] == b'"' {
        let text = std::str::from_utf8(&line[start..first]).ok()?;
        return Some((Some(text), first + 1));
    }
    let mut out = std::mem::take(buf).into_bytes();
    out.clear();
    let end = decode(line, start, first, &mut out);
    if end.is_none() {
        out.clear();
    }
    // Escapes decode to whole characters, so the value is UTF-8 exactly when every piece of
    // the line between them is.
    let (decoded, valid) = match String::from_utf8(out) {
        Ok(decoded) => (decoded, true),
        Err(e) => {
            let mut bytes = e.into_bytes();
            bytes.clear();
            (String::from_utf8(bytes).unwrap_or_default(), false)
        }
    };
    *buf = decoded;
    end.filter(|_| valid).map(|end| (None, end))
}

/// Decodes the string whose text starts at `start` into `out`, `at` being its first quote,
/// backslash or control character; returns the index after the closing quote.
fn decode(line: &[u8], mut start: usize, mut at: usize, out: &mut Vec<u8>) -> Option<usize> {
    loop {
        out.extend_from_slice(&line[start..at]);
        match line[at] {
            b'"' => return Some(at + 1),
            b'\\' => start = at + escape(line, at, out)?,
            _ => return None,
        }
        at = start + special(&line[start..])?;
    }
}

/// Decodes the escape whose backslash is at `at` into `out`; returns its length.
fn escape(line: &[u8], at: usize, out: &mut Vec<u8>) -> Option<usize> {
    let byte = match *line.get(at + 1)? {
        b @ (b'"' | b'\\' | b'/') => b,
        b'b' => 0x08,
        b'f' => 0x0C,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let unit = hex(line.get(at + 2..at + 6)?)?;
            let (code, len) = match unit {
                0xD800..=0xDBFF => {
                    if line.get(at + 6..at + 8)? != b"\\u" {
                        return None;
                    }
                    let low = hex(line.get(at + 8..at + 12)?)?;
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return None;
                    }
                    (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
                }
                0xDC00..=0xDFFF => return None,
                _ => (unit, 6),
            };
            let c = char::from_u32(code)?;
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            return Some(len);
        }
        _ => return None,
    };
    out.push(byte);
    Some(2)
}

/// The value of four hex digits (either case), `None` for anything else.
fn hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |value, &d| {
        Some(value << 4 | char::from(d).to_digit(16)?)
    })
}

/// The index in `bytes` of the first `"`, `\` or control character (below 0x20), if any:
/// sixteen bytes at a time with SSE2 (part of every x86-64 processor), the rest eight at a
/// time by [`special_scalar`], which it must always equal.
fn special(bytes: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8,
        };
        let mut chunks = bytes.chunks_exact(16);
        let mut base = 0;
        for chunk in &mut chunks {
            // SAFETY: SSE2 is in the x86-64 baseline; the load reads the 16 bytes of `chunk`
            // (unaligned loads allowed), and the rest only compares registers.
            let marks = unsafe {
                let word = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
                let quote = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'"' as i8));
                let backslash = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'\\' as i8));
                // A byte is below 0x20 exactly where its minimum with 0x1F is itself.
                let low = _mm_set1_epi8(0x1F);
                let control = _mm_cmpeq_epi8(_mm_min_epu8(word, low), word);
                _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
            };
            if marks != 0 {
                return Some(base + marks.trailing_zeros() as usize);
            }
            base += 16;
        }
        special_scalar(chunks.remainder()).map(|i| base + i)
    }
    #[cfg(not(target_arch = "x86_64"))]
    special_scalar(bytes)
}

/// [`special`] eight bytes at a time in a 64-bit word, as serde_json's `skip_to_escape`: the
/// route of other processors and of the last bytes, and the twin the SSE2 route is tested
/// against.
fn special_scalar(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte's high bit is set where it is below 0x20, `"` or `\`; a borrow can only mark
        // bytes above a true match, so the lowest mark is exact.
        let control = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = w ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = w ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let marks = (control | quote | backslash) & (ONES << 7);
        if marks != 0 {
            return Some(base + marks.trailing_zeros() as usize / 8);
        }
        base += 8;
    }
    let rest = chunks.remainder();
    rest.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| base + i)
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
