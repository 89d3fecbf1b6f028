//! The JSON format: the stable machine-readable report, pretty-printed.

use super::{Render, Report};
use std::io::{self, Write};

/// Pretty-printed JSON.
pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }
}
