//! The `tokencensus` binary: parses arguments into a validated configuration, runs the
//! library, writes the report and maps the outcome to the exit status (0 clean, 1 complete
//! with input errors, 2 fatal).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tokencensus: error: {e}");
            ExitCode::from(2)
        }
    }
}
