//! The `tokencensus` binary: parses arguments into a validated configuration, runs the
//! library, writes the report and maps the outcome to the exit status (0 clean, 1 complete
//! with input errors, 2 fatal).

mod cli;

use std::process::ExitCode;
use tokencensus::report::render::printable_lines;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            // Line breaks of multi-line messages (a manifest's parse error) stay; any other
            // control character of a name in the message is escaped.
            let message = e.to_string();
            eprintln!("tokencensus: error: {}", printable_lines(&message));
            ExitCode::from(2)
        }
    }
}
