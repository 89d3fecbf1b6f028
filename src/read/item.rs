//! What readers hand out: text documents, media items and located problems, each with its place
//! in its container, given to a [`Visitor`] that the caller supplies. Readers know no tokenizer
//! and no statistics: counting, sampling or timing the items is the visitor's business.

use super::Problem;
use crate::error::ErrorKind;
use crate::provenance::RecordFields;

/// Where an item or a problem sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRef {
    /// The whole file (a plain-text document, a medium, a tar member, a damaged container).
    None,
    /// A 1-based line number (a Parquet row counts as a line).
    Line(u64),
    /// Line `index` (from 0) of chunk `chunk` of a split file, resolved once every chunk is read.
    InChunk {
        /// The chunk's position in its file.
        chunk: u32,
        /// The line's index within the chunk.
        index: u64,
    },
}

/// Where a buffer's lines are numbered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineBase {
    /// The buffer's first line is line `first` (from 0) of its file.
    Absolute(u64),
    /// The buffer is chunk `n` of a split file (chunk 0 starts the file); lines are resolved
    /// later.
    Chunk(u32),
}

impl LineBase {
    /// The place of the buffer's line `index` (from 0).
    pub fn at(self, index: u64) -> LineRef {
        match self {
            LineBase::Absolute(first) => LineRef::Line(first + index + 1),
            LineBase::Chunk(chunk) => LineRef::InChunk { chunk, index },
        }
    }

    /// Whether the buffer starts its file (where a byte-order mark may sit).
    pub fn starts_file(self) -> bool {
        matches!(self, LineBase::Absolute(0) | LineBase::Chunk(0))
    }
}

/// One text document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document<'a> {
    /// The text, borrowed from the reader's buffer.
    pub text: &'a str,
    /// The record's date and URL fields, where the source names them and the record has them.
    pub fields: RecordFields<'a>,
    /// Its line (or row), or [`LineRef::None`] for a whole-file document.
    pub at: LineRef,
}

/// One chat record: the raw JSON of its messages array (`[{"role": ..., "content": ...}]`),
/// for the counting core to read. Readers check only that it is a JSON array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversation<'a> {
    /// The messages array as it stands in the record (JSON text, borrowed).
    pub messages_json: &'a str,
    /// The record's date and URL fields, where the source names them and the record has them.
    pub fields: RecordFields<'a>,
    /// Its line (or row).
    pub at: LineRef,
}

/// The container a medium was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container<'a> {
    /// The medium is a whole file.
    File,
    /// A member of a WebDataset (tar) shard.
    Member,
    /// A cell of this Parquet column.
    Column(&'a str),
}

/// The bytes of an image, sound or video (or of anything else not text), to be probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Medium<'a> {
    /// The stored bytes.
    pub bytes: &'a [u8],
    /// Its name, a hint of its format: the file or member name, a Parquet struct's `path`
    /// value, or else the column's name.
    pub name: &'a str,
    /// Where it was found.
    pub container: Container<'a>,
    /// Its row for a Parquet cell, else [`LineRef::None`].
    pub at: LineRef,
}

impl Medium<'_> {
    /// `message` about this medium, naming its member or column as the report does.
    pub fn explain(&self, message: &str) -> String {
        match self.container {
            Container::File => message.to_string(),
            Container::Member => format!("member {}: {message}", self.name),
            Container::Column(column) => format!("column {column}: {message}"),
        }
    }
}

/// Receives what a reader finds, in the order of its container.
pub trait Visitor {
    /// A text document.
    fn document(&mut self, document: Document<'_>);

    /// A chat record (a source read with a chat field). A visitor that does not count
    /// conversations records it as a problem.
    fn conversation(&mut self, conversation: Conversation<'_>) {
        let message = "chat records are not read here";
        self.problem(conversation.at, Problem::new(ErrorKind::FieldType, message));
    }

    /// A problem with the input at `at`; the reader goes on where it can.
    fn problem(&mut self, at: LineRef, problem: Problem);

    /// An image, sound, video or other binary item.
    fn medium(&mut self, medium: Medium<'_>) {
        let _ = medium;
    }

    /// A new WebDataset sample (a new key among a shard's members) begins.
    fn sample(&mut self) {}

    /// A WebDataset metadata member (labels, ids, JSON) of `bytes` bytes, measured only.
    fn metadata(&mut self, bytes: u64) {
        let _ = bytes;
    }
}

#[cfg(test)]
pub(crate) mod collect {
    //! A visitor that writes down everything it is given, for the readers' tests.

    use super::*;

    /// Every item as one line of text: `doc AT TEXT`, `medium AT NAME LEN`, `problem AT KIND:
    /// MESSAGE`, `sample`, `metadata LEN`.
    #[derive(Debug, Default)]
    pub struct Collect(pub Vec<String>);

    impl Visitor for Collect {
        fn document(&mut self, d: Document<'_>) {
            self.0.push(format!("doc {:?} {}", d.at, d.text));
        }
        fn conversation(&mut self, c: Conversation<'_>) {
            self.0.push(format!("chat {:?} {}", c.at, c.messages_json));
        }
        fn problem(&mut self, at: LineRef, p: Problem) {
            self.0
                .push(format!("problem {at:?} {}: {}", p.kind, p.message));
        }
        fn medium(&mut self, m: Medium<'_>) {
            let what = m.explain(&m.bytes.len().to_string());
            self.0.push(format!("medium {:?} {what}", m.at));
        }
        fn sample(&mut self) {
            self.0.push("sample".into());
        }
        fn metadata(&mut self, bytes: u64) {
            self.0.push(format!("metadata {bytes}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_place_lines_and_know_the_file_start() {
        assert_eq!(LineBase::Absolute(9).at(0), LineRef::Line(10));
        assert_eq!(
            LineBase::Chunk(2).at(5),
            LineRef::InChunk { chunk: 2, index: 5 }
        );
        assert!(LineBase::Absolute(0).starts_file() && LineBase::Chunk(0).starts_file());
        assert!(!LineBase::Absolute(1).starts_file() && !LineBase::Chunk(1).starts_file());
    }

    #[test]
    fn media_messages_name_their_container() {
        let medium = |container| Medium {
            bytes: b"",
            name: "a/1.jpg",
            container,
            at: LineRef::None,
        };
        assert_eq!(medium(Container::File).explain("bad"), "bad");
        assert_eq!(
            medium(Container::Member).explain("bad"),
            "member a/1.jpg: bad"
        );
        assert_eq!(
            medium(Container::Column("image")).explain("bad"),
            "column image: bad"
        );
    }
}
