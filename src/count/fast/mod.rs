//! The count-only fast route (in progress).

pub mod pretokenize;
pub mod unicode;
mod unicode_table;
