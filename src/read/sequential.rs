//! Reading one file's items in order on the calling thread, whatever its format: the same
//! readers the engine schedules across threads, called one after another. `verify` samples and
//! `bench` times the documents this hands out.

use super::format::{Format, Layout};
use super::item::{LineRef, Visitor};
use super::jsonl::{self, FieldNames, JsonlBlocks};
use super::media::read_medium;
use super::parquet::ParquetReader;
use super::storage::{self, Storage};
use super::tar::read_tar;
use super::text::{io_problem, read_text};
use std::path::Path;
use std::sync::Arc;

/// How many decoded bytes of JSONL are held at a time.
const BLOCK_BYTES: usize = 1 << 20;

/// Hands `visitor` every item of the local file at `path` (of `format`, memory-mapped where
/// `mmap` allows), reading the fields `names`, documents of at most `max` bytes.
pub fn read_path<V: Visitor + ?Sized>(
    path: &Path,
    format: Format,
    names: &FieldNames<'_>,
    (mmap, max): (bool, u64),
    visitor: &mut V,
) {
    match storage::open(path, format.access(mmap)) {
        Ok(storage) => {
            let name = path.to_string_lossy();
            read_storage(storage, &name, format, names, max, visitor);
        }
        Err(e) => visitor.problem(LineRef::None, io_problem(&e)),
    }
}

/// Hands `visitor` every item of the input in `storage` (named `name`, of `format`), in order;
/// a document longer than `max` bytes is a problem.
pub fn read_storage<V: Visitor + ?Sized>(
    storage: Arc<dyn Storage>,
    name: &str,
    format: Format,
    names: &FieldNames<'_>,
    max: u64,
    visitor: &mut V,
) {
    let compression = format.compression;
    let unmetered = &|_| {};
    match format.layout {
        Layout::Text => _ = read_text(&*storage, compression, max, unmetered, visitor),
        Layout::Media => _ = read_medium(&*storage, name, visitor),
        Layout::Tar => _ = read_tar(&*storage, compression, max, unmetered, visitor),
        Layout::Parquet => {
            if let Some(reader) = ParquetReader::open(storage, names, max, visitor) {
                for group in reader.row_groups_in(None) {
                    reader.read_row_group(group, visitor);
                }
            }
        }
        Layout::Jsonl => {
            let opened = JsonlBlocks::open(&*storage, compression, BLOCK_BYTES, max, unmetered);
            let mut blocks = match opened {
                Ok(blocks) => blocks,
                Err(problem) => return visitor.problem(LineRef::None, problem),
            };
            loop {
                match blocks.next_block() {
                    Ok(Some(block)) => _ = jsonl::read_block(&block, names, max, visitor),
                    Ok(None) => return,
                    Err((at, problem)) => return visitor.problem(at, problem),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::item::collect::Collect;

    #[test]
    fn every_format_is_read_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let names = FieldNames::only_text("text");
        let read = |name: &str, content: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            let mut seen = Collect::default();
            for mmap in [true, false] {
                read_path(&path, Format::of(&path), &names, (mmap, 99), &mut seen);
            }
            let half = seen.0.len() / 2;
            assert_eq!(seen.0[..half], seen.0[half..], "mapped or read alike");
            seen.0.truncate(half);
            seen.0
        };
        assert_eq!(
            read("a.jsonl", b"{\"text\":\"x\"}\nnot json\n{\"text\":\"y\"}"),
            [
                "doc Line(1) x",
                "problem Line(2) json: not a JSON object: the line holds text that is not JSON; \
                 each line must be one JSON object, such as {\"text\": \"...\"}",
                "doc Line(3) y"
            ]
        );
        assert_eq!(read("b.md", b"# title\n"), ["doc None # title\n"]);
        assert_eq!(read("c.png", b"\x89PNG"), ["medium None 4"]);
        let mut seen = Collect::default();
        let absent = dir.path().join("absent.jsonl");
        read_path(&absent, Format::of(&absent), &names, (true, 99), &mut seen);
        assert!(seen.0[0].starts_with("problem None io: "), "{:?}", seen.0);
    }
}
