//! The integration tests, in one test binary so that `cargo test` links them once: one module
//! per subject, the shared helpers in `common`. Every test runs the built `tokencensus` binary or
//! the library; tests run on several threads of this one process, so none changes the process's
//! environment or current directory (each child process gets its own through `Command`).
//!
//! Run one module with `cargo test --test suite MODULE::`, e.g. `cargo test --test suite shard::`.
//! Proptest keeps the failing cases it found in `tests/proptest-regressions/MODULE.txt` (the
//! default place for a crate with a `main.rs`: beside this folder) and replays them first.

mod common;

mod bad_input;
mod bench_cmd;
mod bert;
mod bindings;
mod changing_files;
mod chat;
mod checkpoint;
mod cli;
mod compiled_cache;
mod differential;
mod disclosure;
mod disclosure_tools;
mod equivalence;
mod estimate_cmd;
mod estimate_validation;
mod exactness;
mod first_hour;
mod html;
mod html_layout;
mod layers;
mod layout;
mod limits;
mod media;
mod multimodal;
mod output_safety;
mod parquet;
mod parquet_count;
mod parquet_damage;
mod provenance;
mod remote;
mod remote_http;
mod report_schema;
mod rolling;
mod several_tokenizers;
mod shard;
mod signals;
mod slurm;
mod small_files;
mod verify;
