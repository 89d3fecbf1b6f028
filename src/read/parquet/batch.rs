//! One leaf column of one row group, read in batches of rows with the column reader (no per-row
//! allocation: values are reference-counted slices of the decompressed pages), its definition
//! levels telling which rows hold a value.

use super::columns::Leaf;
use super::parquet_problem;
use crate::read::Problem;
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::reader::RowGroupReader;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs a call into the `parquet` crate, turning a panic on malformed input into an error (the
/// crate asserts on some corrupt pages; the panic hook still prints its message).
pub(super) fn guard<T>(
    what: &str,
    call: impl FnOnce() -> parquet::errors::Result<T>,
) -> Result<T, Problem> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(parquet_problem(what, e)),
        Err(panic) => {
            let cause = (panic.downcast_ref::<&str>().copied())
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("no message");
            let message = format!("the Parquet decoder failed on malformed data ({cause})");
            Err(parquet_problem(what, message))
        }
    }
}

/// The current batch of one BYTE_ARRAY leaf column, walked row by row.
pub(super) struct Batch {
    reader: ColumnReaderImpl<ByteArrayType>,
    max_def: i16,
    defs: Vec<i16>,
    values: Vec<ByteArray>,
    rows: usize,
    row: usize,
    value: usize,
    what: String,
}

impl Batch {
    /// Opens leaf `leaf` of row group `group`; `what` names it in error messages.
    pub fn open(group: &dyn RowGroupReader, leaf: Leaf, what: String) -> Result<Self, Problem> {
        let reader = guard(&what, || group.get_column_reader(leaf.index))?;
        let ColumnReader::ByteArrayColumnReader(reader) = reader else {
            return Err(parquet_problem(&what, "the column is not BYTE_ARRAY"));
        };
        Ok(Batch {
            reader,
            max_def: leaf.max_def,
            defs: Vec::new(),
            values: Vec::new(),
            rows: 0,
            row: 0,
            value: 0,
            what,
        })
    }

    /// Reads the next `rows` rows; fewer rows than that left in the column is an error.
    pub fn fill(&mut self, rows: usize) -> Result<(), Problem> {
        self.defs.clear();
        self.values.clear();
        let (reader, defs, values) = (&mut self.reader, &mut self.defs, &mut self.values);
        let (records, read, _) = guard(&self.what, || {
            reader.read_records(rows, Some(defs), None, values)
        })?;
        let levels_ok = self.max_def == 0 || self.defs.len() == records;
        let present = match self.max_def {
            0 => records,
            max => self.defs.iter().filter(|&&d| d == max).count(),
        };
        if records != rows || !levels_ok || present != read || read != self.values.len() {
            return Err(parquet_problem(
                &self.what,
                format!("the column chunk holds {records} of the {rows} rows expected next"),
            ));
        }
        (self.rows, self.row, self.value) = (rows, 0, 0);
        Ok(())
    }

    /// The next row's value, or `None` where the row is null (at any level of nesting).
    pub fn next(&mut self) -> Option<&[u8]> {
        debug_assert!(self.row < self.rows);
        let present = self.max_def == 0 || self.defs[self.row] == self.max_def;
        self.row += 1;
        if !present {
            return None;
        }
        self.value += 1;
        Some(self.values[self.value - 1].data())
    }
}
