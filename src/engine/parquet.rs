//! Scheduling a Parquet file: its footer is read here, then each row group is read on a worker
//! of its own and its items counted (see [`ParquetReader`] for what the items are). A planned
//! byte range counts only the row groups that start in it.

use super::Run;
use super::file_work::FileWork;
use super::files::open_storage;
use super::scan::{Counting, Target};
use crate::read::parquet::ParquetReader;
use crate::read::storage::Access;
use std::sync::Arc;

/// Counts Parquet file `target`, spawning one task per row group on `scope`.
pub(super) fn parquet_file<'s>(
    run: &'s Run<'s>,
    work: &Arc<FileWork>,
    target: Target,
    scope: &rayon::Scope<'s>,
) {
    let planned = &run.plan.files[target.file];
    let Some(storage) = open_storage(run, work, Access::Read, |p| p) else {
        return;
    };
    let names = run.plan.sources[target.source].field_names();
    let reader = run.with_acc(work, |acc| {
        let max = run.options.max_document_bytes;
        ParquetReader::open(storage, &names, max, &mut Counting::new(run, acc, target))
    });
    let Some(reader) = reader else {
        return;
    };
    // A byte range reads the row groups that start in it (an estimate's sample unit).
    let groups = reader.row_groups_in(planned.range);
    let (first, last) = planned.span();
    run.with_acc(work, |acc| {
        let counts = &mut acc.stats(target.source).counts;
        counts.files += u64::from(planned.owns_file());
        counts.input_bytes += last.min(planned.size).saturating_sub(first);
    });
    let reader = Arc::new(reader);
    let share = (last - first) / groups.len().max(1) as u64;
    for group in groups {
        let reader = Arc::clone(&reader);
        let work = Arc::clone(work);
        run.task_started(&work);
        scope.spawn(move |_| {
            run.with_acc(&work, |acc| {
                reader.read_row_group(group, &mut Counting::new(run, acc, target));
            });
            run.progress.add_bytes(share);
            run.task_done(&work);
        });
    }
}
