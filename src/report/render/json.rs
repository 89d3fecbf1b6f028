//! The JSON format: the stable machine-readable report, pretty-printed, sealed with its
//! integrity digest as the last member.

use super::{Render, Report};
use crate::report::integrity::Integrity;
use serde::Serialize;
use std::io::{self, Write};

/// Pretty-printed JSON.
pub struct Json;

/// A report and its digest, serialized as one object: the report's members, then `integrity`.
#[derive(Serialize)]
struct Sealed<'a> {
    #[serde(flatten)]
    report: &'a Report,
    integrity: Integrity,
}

impl Render for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let sealed = Sealed {
            report,
            integrity: Integrity::of(report),
        };
        serde_json::to_writer_pretty(&mut *out, &sealed)?;
        writeln!(out)
    }
}
