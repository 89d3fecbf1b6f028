//! Input formats, chosen by file extension.

use super::storage::Access;
use std::path::Path;

/// How records are laid out in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// The whole file is one document (`.txt`, `.md`, source files, anything else).
    Text,
    /// An image, sound or video, measured from its headers (`.png`, `.wav`, `.mp4`, ...).
    Media,
    /// A WebDataset shard: a tar archive of samples (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`).
    Tar,
    /// A Parquet file (`.parquet`): a text column and image or audio columns.
    Parquet,
}

/// The compression around the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Stored as is: memory-mapped or read.
    None,
    /// gzip (`.gz`), possibly multi-member.
    Gzip,
    /// Zstandard (`.zst`, `.zstd`), possibly multi-frame.
    Zstd,
}

/// A file's format: layout and compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Format {
    /// Record layout.
    pub layout: Layout,
    /// Compression.
    pub compression: Compression,
}

impl Format {
    /// The format implied by a path's extensions (`a.jsonl.zst` is zstd-compressed JSONL).
    pub fn of(path: &Path) -> Format {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".tgz") {
            return Format {
                layout: Layout::Tar,
                compression: Compression::Gzip,
            };
        }
        let (inner, compression) = if let Some(inner) = name.strip_suffix(".gz") {
            (inner, Compression::Gzip)
        } else if let Some(inner) = name
            .strip_suffix(".zst")
            .or_else(|| name.strip_suffix(".zstd"))
        {
            (inner, Compression::Zstd)
        } else {
            (name.as_str(), Compression::None)
        };
        let layout = if inner.ends_with(".jsonl") || inner.ends_with(".ndjson") {
            Layout::Jsonl
        } else if inner.ends_with(".tar") {
            Layout::Tar
        } else if inner.ends_with(".parquet") && compression == Compression::None {
            Layout::Parquet
        } else if compression == Compression::None && crate::media::is_media_name(inner) {
            Layout::Media
        } else {
            Layout::Text
        };
        Format {
            layout,
            compression,
        }
    }
}

impl Format {
    /// How a file of this format is best reached: uncompressed text and JSONL mapped when `mmap`
    /// allows (they are read in ranges, several times over), media always mapped (a probe touches
    /// the headers of a multi-gigabyte video, where reading would load all of it), streams and
    /// Parquet files with positioned reads.
    pub fn access(self, mmap: bool) -> Access {
        match (self.layout, self.compression) {
            (Layout::Media, _) => Access::Map,
            (Layout::Jsonl | Layout::Text, Compression::None) if mmap => Access::Map,
            _ => Access::Read,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_choose_layout_and_compression() {
        let f = |p: &str| Format::of(Path::new(p));
        assert_eq!(f("a/b.jsonl").layout, Layout::Jsonl);
        assert_eq!(f("b.NDJSON").layout, Layout::Jsonl);
        assert_eq!(f("b.jsonl.zst").compression, Compression::Zstd);
        assert_eq!(f("b.jsonl.gz").layout, Layout::Jsonl);
        assert_eq!(f("notes.md").layout, Layout::Text);
        assert_eq!(f("notes.txt.gz").compression, Compression::Gzip);
        assert_eq!(f("main.rs").compression, Compression::None);
        assert_eq!(f("a.PNG").layout, Layout::Media);
        assert_eq!(f("clip.webm").layout, Layout::Media);
        assert_eq!(f("shard-0001.tar").layout, Layout::Tar);
        assert_eq!(f("train-00000-of-00004.parquet").layout, Layout::Parquet);
        assert_eq!(
            f("shard.tar.zst"),
            Format {
                layout: Layout::Tar,
                compression: Compression::Zstd
            }
        );
        assert_eq!(
            f("shard.tgz"),
            Format {
                layout: Layout::Tar,
                compression: Compression::Gzip
            }
        );
    }
}
