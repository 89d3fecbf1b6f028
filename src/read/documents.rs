//! Reading a file's documents one after another, in order, whatever its format: the simple
//! sequential reader behind `verify`. Unreadable records are skipped and counted.

use super::format::{Compression, Format, Layout};
use super::stream::{LineBlocks, decoder};
use super::{UTF8_BOM, jsonl, jsonl_looks_binary, lines, text::document_text};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Calls `document(line, text)` for every document of the file at `path` (line is 1-based, or
/// `None` for a whole-file document); returns how many records or files could not be read.
pub fn for_each_document(
    path: &Path,
    field: &str,
    mut document: impl FnMut(Option<u64>, &str),
) -> u64 {
    let format = Format::of(path);
    let Ok(file) = File::open(path) else { return 1 };
    let Ok(mut input) = decoder(file, format.compression) else {
        return 1;
    };
    match format.layout {
        // Media hold no text; WebDataset text members are not sampled by `verify`.
        Layout::Media | Layout::Tar => 0,
        Layout::Parquet => parquet_documents(path, field, &mut document),
        Layout::Text => {
            let mut bytes = Vec::new();
            if input.read_to_end(&mut bytes).is_err() {
                return 1;
            }
            match document_text(&bytes) {
                Ok(text) => {
                    document(None, text);
                    0
                }
                Err(_) => 1,
            }
        }
        Layout::Jsonl => {
            let target = if format.compression == Compression::None {
                4 << 20
            } else {
                1 << 20
            };
            let mut blocks = LineBlocks::new(input, target);
            let mut bad = 0;
            let mut unescaped = String::new();
            loop {
                let block = match blocks.next_block() {
                    Ok(Some(block)) => block,
                    Ok(None) => return bad,
                    Err(_) => return bad + 1,
                };
                if block.first_line == 0 && jsonl_looks_binary(&block.bytes) {
                    return bad + 1;
                }
                for (index, line) in lines::lines(&block.bytes) {
                    let number = block.first_line + index;
                    let line = if number == 0 {
                        line.strip_prefix(UTF8_BOM).unwrap_or(line)
                    } else {
                        line
                    };
                    match jsonl::extract_text(line, field, &mut unescaped) {
                        Ok(Some(text)) => document(Some(number + 1), text),
                        Ok(None) => {}
                        Err(_) => bad += 1,
                    }
                }
            }
        }
    }
}

/// The text cells of a Parquet file, in row order (rows numbered from 1).
fn parquet_documents(
    path: &Path,
    field: &str,
    document: &mut impl FnMut(Option<u64>, &str),
) -> u64 {
    use super::parquet::{Cell, ParquetFile};
    let Ok(file) = ParquetFile::open(path) else {
        return 1;
    };
    let Ok(columns) = file.columns(Some(field)) else {
        return 1;
    };
    let mut bad = 0;
    for group in 0..file.row_groups() {
        let read = file.read_row_group(group, &columns, &mut |cell| match cell {
            Cell::Text { row, text, .. } => document(Some(row + 1), text),
            Cell::Bad { .. } | Cell::Null { .. } => bad += 1,
            Cell::Media { .. } => {}
        });
        bad += u64::from(read.is_err());
    }
    bad
}
