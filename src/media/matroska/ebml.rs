//! A minimal EBML reader: element headers (variable-length IDs and sizes) and the three value
//! types Matroska's header elements use. Every element must fit in its parent and in the data.

use crate::media::ProbeError;

/// An element's ID and the span of its body.
#[derive(Debug, Clone, Copy)]
pub(super) struct Element {
    pub id: u32,
    pub start: usize,
    /// The end of the body, or `None` for an element of unknown size (live streams).
    pub end: Option<usize>,
}

/// The elements inside a span, in order; stops after the first error.
pub(super) struct Children<'a> {
    data: &'a [u8],
    pos: usize,
    limit: usize,
    failed: bool,
}

impl<'a> Children<'a> {
    /// The elements from `start` to `end` (to the end of `data` when unknown).
    pub fn new(data: &'a [u8], start: usize, end: Option<usize>) -> Self {
        let limit = end.unwrap_or(data.len()).min(data.len());
        Self {
            data,
            pos: start,
            limit,
            failed: false,
        }
    }

    /// The children of `parent`.
    pub fn of(data: &'a [u8], parent: &Element) -> Self {
        Self::new(data, parent.start, parent.end)
    }

    /// The next element with ID `id`, skipping others; `what` names it in messages.
    pub fn expect(&mut self, id: u32, what: &str) -> Result<Element, ProbeError> {
        loop {
            match self.next() {
                Some(Ok(e)) if e.id == id => return Ok(e),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => {
                    return Err(ProbeError::truncated(format!(
                        "Matroska file has no {what}"
                    )));
                }
            }
        }
    }

    /// A short read: truncated at the end of the data, corrupt inside a parent.
    fn short(&self, what: &str) -> ProbeError {
        if self.limit == self.data.len() {
            ProbeError::truncated(format!("EBML {what} runs past the end of the data"))
        } else {
            ProbeError::corrupt(format!("EBML {what} runs past its parent element"))
        }
    }

    /// Reads a variable-length integer: (value with the length marker kept, value without it,
    /// length in bytes).
    fn vint(&mut self, max_len: u32, what: &str) -> Result<(u64, u64, usize), ProbeError> {
        let first = *self.data[..self.limit]
            .get(self.pos)
            .ok_or_else(|| self.short(what))?;
        let len = first.leading_zeros() + 1;
        if first == 0 || len > max_len {
            return Err(ProbeError::corrupt(format!("invalid EBML {what}")));
        }
        let len = len as usize;
        let bytes = self.data[..self.limit]
            .get(self.pos..self.pos + len)
            .ok_or_else(|| self.short(what))?;
        let raw = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let value = raw & (u64::MAX >> (64 - 7 * len));
        self.pos += len;
        Ok((raw, value, len))
    }

    fn read(&mut self) -> Result<Element, ProbeError> {
        let (id, _, _) = self.vint(4, "element ID")?;
        let (_, size, len) = self.vint(8, "element size")?;
        let start = self.pos;
        let unknown = size == u64::MAX >> (64 - 7 * len);
        let end = if unknown {
            self.pos = self.limit;
            None
        } else {
            let end = usize::try_from(size)
                .ok()
                .and_then(|s| start.checked_add(s))
                .filter(|&end| end <= self.limit)
                .ok_or_else(|| self.short("element body"))?;
            self.pos = end;
            Some(end)
        };
        Ok(Element {
            id: id as u32,
            start,
            end,
        })
    }
}

impl Iterator for Children<'_> {
    type Item = Result<Element, ProbeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.limit {
            return None;
        }
        let item = self.read();
        self.failed = item.is_err();
        Some(item)
    }
}

/// The body of a sized element.
fn body<'a>(data: &'a [u8], e: &Element) -> Result<&'a [u8], ProbeError> {
    e.end
        .and_then(|end| data.get(e.start..end))
        .ok_or_else(|| ProbeError::corrupt("EBML value of unknown size"))
}

/// An unsigned integer element (0 to 8 bytes, big-endian).
pub(super) fn uint(data: &[u8], e: &Element) -> Result<u64, ProbeError> {
    let b = body(data, e)?;
    if b.len() > 8 {
        return Err(ProbeError::corrupt("EBML integer longer than 8 bytes"));
    }
    Ok(b.iter().fold(0, |acc, &x| (acc << 8) | u64::from(x)))
}

/// A float element (0, 4 or 8 bytes).
pub(super) fn float(data: &[u8], e: &Element) -> Result<f64, ProbeError> {
    match *body(data, e)? {
        [] => Ok(0.0),
        [a, b, c, d] => Ok(f64::from(f32::from_be_bytes([a, b, c, d]))),
        [a, b, c, d, e, f, g, h] => Ok(f64::from_be_bytes([a, b, c, d, e, f, g, h])),
        _ => Err(ProbeError::corrupt(
            "EBML float of a size other than 4 or 8",
        )),
    }
}

/// A string element, up to its first NUL.
pub(super) fn string(data: &[u8], e: &Element) -> Result<String, ProbeError> {
    let b = body(data, e)?;
    let b = b.split(|&x| x == 0).next().unwrap_or_default();
    Ok(String::from_utf8_lossy(b).into_owned())
}
