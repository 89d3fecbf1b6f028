//! Row-group sizes as a Parquet footer records them, for estimates and for reading part of a
//! file: where each row group starts, its rows, its compressed and uncompressed bytes, and the
//! null values of the text column when the statistics say so. Nothing but the footer is read.

use super::{ParquetColumns, ParquetFile};
use parquet::file::metadata::RowGroupMetaData;
use parquet::file::reader::FileReader;

/// A footer value that cannot be negative, read as 0 when a damaged footer says it is.
fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Where a row group starts: its first column chunk's dictionary page or first data page.
fn group_start(group: &RowGroupMetaData) -> u64 {
    let chunk_start = |c: &parquet::file::metadata::ColumnChunkMetaData| {
        unsigned(c.dictionary_page_offset().unwrap_or(c.data_page_offset()))
    };
    group.columns().iter().map(chunk_start).min().unwrap_or(0)
}

/// One row group's place and sizes, from the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowGroupSize {
    /// The file offset of its first column chunk (dictionary page or first data page).
    pub start: u64,
    /// Its rows.
    pub rows: u64,
    /// Compressed bytes of its column chunks.
    pub compressed: u64,
    /// Uncompressed bytes of its column chunks (the footer's `total_byte_size`).
    pub uncompressed: u64,
    /// Null values of the text column, when the column chunk's statistics record them.
    pub text_nulls: Option<u64>,
}

impl ParquetFile {
    /// The sizes of every row group, in file order; `columns` names the text column whose null
    /// count is wanted. Negative sizes or offsets in a damaged footer read as 0.
    pub fn row_group_sizes(&self, columns: Option<&ParquetColumns>) -> Vec<RowGroupSize> {
        let text_leaf = columns
            .and_then(|c| c.text.as_ref())
            .map(|(_, leaf)| leaf.index);
        self.reader
            .metadata()
            .row_groups()
            .iter()
            .map(|group| {
                let text_nulls = text_leaf
                    .filter(|&leaf| leaf < group.num_columns())
                    .and_then(|leaf| group.column(leaf).statistics())
                    .and_then(|s| s.null_count_opt());
                RowGroupSize {
                    start: group_start(group),
                    rows: unsigned(group.num_rows()),
                    compressed: unsigned(group.compressed_size()),
                    uncompressed: unsigned(group.total_byte_size()),
                    text_nulls,
                }
            })
            .collect()
    }

    /// Whether row group `index` starts inside the byte range `range` (`None`: every group):
    /// a range reads the row groups that start in it, as a range of JSONL reads the lines that
    /// start in it.
    pub fn row_group_in(&self, index: usize, range: Option<(u64, u64)>) -> bool {
        let Some((start, end)) = range else {
            return true;
        };
        let at = group_start(&self.reader.metadata().row_groups()[index]);
        start <= at && at < end
    }
}
