//! A list of byte strings kept end to end in one buffer: the whole vocabulary tokens of a
//! compiled byte-level model (over a hundred thousand of them), read from the compiled cache
//! at every start, where a box per token cost a hundred thousand allocations and as many
//! frees (a third of the start-up's instructions).

/// Byte strings in one buffer, each found by its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PieceList {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl PieceList {
    /// Appends `piece`.
    pub fn push(&mut self, piece: &[u8]) {
        self.bytes.extend_from_slice(piece);
        self.ends.push(self.bytes.len());
    }

    /// How many pieces the list holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the list holds no piece.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The pieces, in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.bytes[start..end])
    }
}

impl<'a> FromIterator<&'a [u8]> for PieceList {
    fn from_iter<I: IntoIterator<Item = &'a [u8]>>(pieces: I) -> Self {
        let mut list = PieceList::default();
        for piece in pieces {
            list.push(piece);
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_as_pushed() {
        let pieces: [&[u8]; 4] = [b"ab", b"", "ünï".as_bytes(), b"x"];
        let list: PieceList = pieces.into_iter().collect();
        assert_eq!(list.len(), 4);
        assert!(!list.is_empty());
        assert_eq!(list.iter().collect::<Vec<_>>(), pieces);
        assert!(PieceList::default().is_empty());
        assert_eq!(PieceList::default().iter().count(), 0);
    }
}
