//! Counting a Parquet file: its row groups are counted in parallel, each cell of the text
//! column as a document and each image or audio cell (plain binary, or a Hugging Face
//! `{bytes, path}` struct) as a medium under the source's token models; a null text is a
//! `missing_field` error, a null medium is no medium. Errors carry the row (from 1) in the
//! `line` field. A file with media columns but no text column counts its media;
//! a file with neither is a `missing_field` error. A planned byte range counts only the row
//! groups that start in it.

use super::Run;
use super::accumulator::{Accumulator, LineRef};
use super::media::record;
use super::scan::{Target, count_document};
use crate::error::ErrorKind;
use crate::read::parquet::{Cell, ParquetColumns, ParquetFile};
use std::sync::Arc;

/// Counts Parquet file `target`, spawning one task per row group on `scope`.
pub(super) fn parquet_file<'s>(run: &'s Run<'s>, target: Target, scope: &rayon::Scope<'s>) {
    let planned = &run.plan.files[target.file];
    let fail = |kind: ErrorKind, message: String| {
        run.with_acc(target.file, |acc| {
            acc.error_msg(target.file, LineRef::None, kind, message)
        })
    };
    let file = match ParquetFile::open(&planned.path) {
        Ok(f) => Arc::new(f),
        Err(problem) => return fail(problem.kind, problem.message),
    };
    let source = &run.plan.sources[target.source];
    let field = &source.text_field;
    let mut columns = match file.columns(Some(field)) {
        Ok(columns) => columns,
        Err(problem) if problem.kind == ErrorKind::MissingField => match file.columns(None) {
            Ok(media) if media.media().next().is_some() => media,
            _ => return fail(problem.kind, problem.message),
        },
        Err(problem) => return fail(problem.kind, problem.message),
    };
    let (date, url) = (source.date_field.as_deref(), source.url_field.as_deref());
    if let Err(problem) = file.with_fields(&mut columns, date, url) {
        fail(problem.kind, problem.message);
    }
    // A byte range reads the row groups that start in it (an estimate's sample unit).
    let groups: Vec<usize> = (0..file.row_groups())
        .filter(|&g| file.row_group_in(g, planned.range))
        .collect();
    let (first, last) = planned.span();
    run.with_acc(target.file, |acc| {
        let counts = &mut acc.sources[target.source].counts;
        counts.files += u64::from(planned.owns_file());
        counts.input_bytes += last.min(planned.size).saturating_sub(first);
    });
    let columns = Arc::new(columns);
    let share = (last - first) / groups.len().max(1) as u64;
    for group in groups {
        let (file, columns) = (Arc::clone(&file), Arc::clone(&columns));
        run.task_started(target.file);
        scope.spawn(move |_| {
            run.with_acc(target.file, |acc| {
                row_group(run, acc, target, &file, &columns, group);
            });
            run.progress.add_bytes(share);
            run.task_done(target.file);
        });
    }
}

/// Counts row group `group` into `acc`.
fn row_group(
    run: &Run,
    acc: &mut Accumulator,
    target: Target,
    file: &ParquetFile,
    columns: &ParquetColumns,
    group: usize,
) {
    let models = &run.plan.sources[target.source].token_models;
    let at = |row: u64| LineRef::Line(row + 1);
    let read = file.read_row_group(group, columns, &mut |cell| match cell {
        Cell::Text { row, text, fields } => {
            let tokens = count_document(run.counter, acc, target, text, fields, at(row));
            run.progress.add_tokens(tokens);
        }
        Cell::Media {
            row,
            column,
            name,
            bytes,
        } => {
            let media = &mut acc.sources[target.source].media;
            if let Err(message) = record(media, models, bytes, name.unwrap_or(column)) {
                let message = format!("column {column}: {message}");
                acc.error_msg(target.file, at(row), ErrorKind::Media, message);
            }
        }
        // A null text is a record without its text, as in JSONL; a null image or sound is
        // simply a row without one.
        Cell::Null { row, column } if columns.text() == Some(column) => {
            let message = format!("the text column {column} is null in this row");
            acc.error_msg(target.file, at(row), ErrorKind::MissingField, message);
        }
        Cell::Null { .. } => {}
        Cell::Bad {
            row,
            column,
            problem,
        } => {
            let message = format!("column {column}: {}", problem.message);
            acc.error_msg(target.file, at(row), problem.kind, message);
        }
    });
    if let Err(problem) = read {
        let message = format!(
            "row group {group}: {}; the rows before it in this group were counted",
            problem.message
        );
        acc.error_msg(target.file, LineRef::None, problem.kind, message);
    }
}
