//! WebDataset shards: a tar archive (maybe gzip- or zstd-compressed) of samples, streamed member
//! by member. Members whose names share a key (`dir/abc.jpg`, `dir/abc.txt`) form a sample. Text
//! members are documents, metadata members are measured, and every other member is a medium to be
//! probed. A truncated or corrupt archive is a problem after the members read before the damage.

use super::Problem;
use super::format::Compression;
use super::item::{Container, Document, LineRef, Medium, Visitor};
use super::storage::Storage;
use super::stream::{self, Meter};
use super::text::document_text;
use crate::error::ErrorKind;
use std::io::Read;

/// Member extensions (after the sample key) that hold a sample's text.
const TEXT_MEMBERS: [&str; 4] = ["txt", "text", "md", "caption"];
/// Member extensions that describe a sample: labels, ids, JSON metadata.
const METADATA_MEMBERS: [&str; 10] = [
    "json", "cls", "cls2", "idx", "id", "index", "key", "meta", "yaml", "yml",
];

/// The member buffer kept from one member to the next, at most (larger ones are let go).
const KEPT_BUFFER_BYTES: usize = 16 << 20;

/// Reads the shard in `storage` (decoding `compression`, reporting stored bytes read to `meter`)
/// and hands `visitor` its samples, documents, metadata, media and problems; returns whether the
/// archive could be opened at all. A text or media member longer than `max` bytes is skipped
/// unread (an [`ErrorKind::TooLarge`] problem), so a small compressed shard cannot claim
/// gigabytes of memory.
pub fn read_tar<V: Visitor + ?Sized>(
    storage: &dyn Storage,
    compression: Compression,
    max: u64,
    meter: Meter<'_>,
    visitor: &mut V,
) -> bool {
    let decoded = match stream::open(storage, compression, meter) {
        Ok(decoded) => decoded,
        Err(e) => {
            visitor.problem(
                LineRef::None,
                Problem::new(ErrorKind::Decompress, e.to_string()),
            );
            return false;
        }
    };
    let mut archive = tar::Archive::new(TailReader::new(decoded));
    let broken = read_members(&mut archive, max, visitor);
    // A tar archive ends with two zero blocks; a stream that stops without them was cut
    // between two members.
    let broken = broken.or_else(|| {
        let mut tail = archive.into_inner();
        match std::io::copy(&mut tail, &mut std::io::sink()) {
            Err(e) => Some(e.to_string()),
            Ok(_) if tail.zeros < 1024 => {
                Some("the archive ends without its end-of-archive blocks".into())
            }
            Ok(_) => None,
        }
    });
    if let Some(message) = broken {
        let what = match compression {
            Compression::None => "tar archive",
            Compression::Gzip => "gzip-compressed tar archive",
            Compression::Zstd => "zstd-compressed tar archive",
        };
        let message =
            format!("truncated or corrupt {what}: {message}; the members before it were counted");
        visitor.problem(LineRef::None, Problem::new(ErrorKind::Decompress, message));
    }
    true
}

/// The sample key and the extension of a member name: `dir/abc.seg.jpg` is sample `dir/abc`
/// with extension `seg.jpg` (the key ends at the first dot of the file name).
fn split_member(name: &str) -> (&str, &str) {
    let file_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[file_start..].find('.') {
        Some(dot) => (&name[..file_start + dot], &name[file_start + dot + 1..]),
        None => (name, ""),
    }
}

/// Hands every member of `archive` to `visitor`; returns what broke the archive, if anything.
fn read_members<R: Read, V: Visitor + ?Sized>(
    archive: &mut tar::Archive<R>,
    max: u64,
    visitor: &mut V,
) -> Option<String> {
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return Some(format!("not a tar archive: {e}")),
    };
    let mut last_key: Option<String> = None;
    let mut content = Vec::new();
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => return Some(e.to_string()),
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = match entry.path() {
            Ok(path) => path.to_string_lossy().into_owned(),
            Err(e) => return Some(format!("unreadable member name: {e}")),
        };
        let size = entry.size();
        let (key, extension) = split_member(&name);
        if last_key.as_deref() != Some(key) {
            visitor.sample();
            last_key = Some(key.to_string());
        }
        let last = extension.rsplit('.').next().unwrap_or("");
        let last = last.to_ascii_lowercase();
        let metadata = METADATA_MEMBERS.contains(&last.as_str());
        if metadata || size > max {
            // Metadata is only measured, and an oversized member only skipped: neither is
            // held in memory.
            match std::io::copy(&mut entry, &mut std::io::sink()) {
                Ok(n) if n == size => {}
                Ok(_) => return Some(format!("member {name} is cut short")),
                Err(e) => return Some(format!("member {name}: {e}")),
            }
            if metadata {
                visitor.metadata(size);
            } else {
                let what = format!("member {name} of {size} bytes");
                visitor.problem(LineRef::None, Problem::too_large(&what, max));
            }
            continue;
        }
        // Held in a buffer of its own size (the header says it), let go after a large member.
        if content.capacity() > KEPT_BUFFER_BYTES {
            content = Vec::new();
        }
        content.clear();
        content.reserve_exact(size as usize);
        match entry.read_to_end(&mut content) {
            Ok(_) if content.len() as u64 == size => {}
            Ok(_) => return Some(format!("member {name} is cut short")),
            Err(e) => return Some(format!("member {name}: {e}")),
        }
        member(visitor, &name, &last, &content);
    }
    None
}

/// Hands one text or media member to `visitor`.
fn member<V: Visitor + ?Sized>(visitor: &mut V, name: &str, extension: &str, content: &[u8]) {
    let at = LineRef::None;
    if !TEXT_MEMBERS.contains(&extension) {
        let container = Container::Member;
        let bytes = content;
        return visitor.medium(Medium {
            bytes,
            name,
            container,
            at,
        });
    }
    match document_text(content) {
        Ok(text) => visitor.document(Document {
            text,
            fields: Default::default(),
            at,
        }),
        Err((problem, _)) => {
            let message = format!("member {name}: {}", problem.message);
            visitor.problem(at, Problem::new(problem.kind, message));
        }
    }
}

/// A reader that remembers how many zero bytes ended what it has read so far.
struct TailReader<R> {
    inner: R,
    zeros: u64,
}

impl<R> TailReader<R> {
    fn new(inner: R) -> Self {
        Self { inner, zeros: 0 }
    }
}

impl<R: Read> Read for TailReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match buf[..n].iter().rposition(|&b| b != 0) {
            Some(last) => self.zeros = (n - last - 1) as u64,
            None => self.zeros += n as u64,
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::item::collect::Collect;
    use crate::read::storage::InMemory;

    #[test]
    fn member_names_split_into_key_and_extension() {
        assert_eq!(split_member("a/b/000123.jpg"), ("a/b/000123", "jpg"));
        assert_eq!(split_member("x.seg.png"), ("x", "seg.png"));
        assert_eq!(split_member("dir.v2/abc.txt"), ("dir.v2/abc", "txt"));
        assert_eq!(split_member("noext"), ("noext", ""));
    }

    fn shard(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, content) in members {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, *content).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn read(stored: &[u8]) -> Vec<String> {
        let mut seen = Collect::default();
        let input = InMemory(stored.to_vec().into());
        assert!(read_tar(&input, Compression::None, 12, &|_| {}, &mut seen));
        seen.0
    }

    #[test]
    fn members_become_samples_documents_metadata_and_media() {
        let tar = shard(&[
            ("s/1.TXT", b"\xEF\xBB\xBFa caption"),
            ("s/1.json", b"{}"),
            ("s/1.jpg", b"jpeg?"),
            ("s/2.txt", b"bad \x00 text"),
            ("s/3.txt", b"seventeen bytes!!"),
        ]);
        assert_eq!(
            read(&tar),
            [
                "sample",
                "doc None a caption",
                "metadata 2",
                "medium None member s/1.jpg: 5",
                "sample",
                "problem None binary: member s/2.txt: NUL byte at offset 4: binary data where text is expected",
                "sample",
                "problem None too_large: member s/3.txt of 17 bytes is over the 12-byte limit for one \
                 document (--max-document-bytes); not counted",
            ]
        );
        let cut = read(&tar[..tar.len() - 1024]);
        assert_eq!(cut.len(), 9, "every member, then the missing end: {cut:?}");
        assert!(cut[8].ends_with(
            "ends without its end-of-archive blocks; the members before it were counted"
        ));
        let half = read(&tar[..1024 + 512 + 1]);
        let last = half.last().unwrap();
        assert!(
            last.starts_with(
                "problem None decompress: truncated or corrupt tar archive: member s/1.json"
            ),
            "{last}"
        );
    }
}
