//! Writing a [`Diff`]: an aligned table for a terminal, Markdown for a changelog, or JSON for
//! programs. The table and Markdown share one [`Grid`] per section; names go through
//! `printable` (table) or Markdown escaping (the grid's Markdown writer).

use super::{Change, Diff, Figures};
use crate::display::{printable_lines, thousands};
use crate::report::render::grid::Grid;
use std::io::{self, Write};

/// The formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffFormat {
    /// Aligned columns.
    #[default]
    Table,
    /// A JSON object (the [`Diff`] model).
    Json,
    /// Markdown sections with pipe tables.
    Markdown,
}

/// Writes `diff` in `format`.
pub fn render(diff: &Diff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Json => serde_json::to_string_pretty(diff).expect("a diff serializes") + "\n",
        DiffFormat::Table => {
            let mut out = Vec::new();
            write_sections(diff, &mut out, false).expect("writing to memory does not fail");
            printable_lines(&String::from_utf8_lossy(&out)).into_owned()
        }
        DiffFormat::Markdown => {
            let mut out = Vec::new();
            write_sections(diff, &mut out, true).expect("writing to memory does not fail");
            String::from_utf8(out).expect("the writers write UTF-8")
        }
    }
}

/// `+12` / `-3` / `0`: the signed change of one figure.
fn signed(added: u64, removed: u64) -> String {
    match (added, removed) {
        (0, 0) => "0".into(),
        (a, 0) => format!("+{}", thousands(a)),
        (_, r) => format!("-{}", thousands(r)),
    }
}

fn optional(value: Option<u64>) -> String {
    value.map(thousands).unwrap_or_else(|| "-".into())
}

fn bytes_change(c: &Change) -> String {
    match (c.added.bytes, c.removed.bytes) {
        (Some(a), Some(r)) => signed(a, r),
        _ => "-".into(),
    }
}

/// One row: name (and status), old and new documents, bytes and tokens, with their changes.
fn figure_cells(label: Vec<String>, c: &Change) -> Vec<String> {
    let (o, n): (Figures, Figures) = (c.old, c.new);
    let mut cells = label;
    cells.extend([
        thousands(o.documents),
        thousands(n.documents),
        signed(c.added.documents, c.removed.documents),
        optional(o.bytes),
        optional(n.bytes),
        bytes_change(c),
        thousands(o.tokens),
        thousands(n.tokens),
        signed(c.added.tokens, c.removed.tokens),
    ]);
    cells
}

const FIGURE_HEADERS: [&str; 9] = [
    "documents before",
    "documents after",
    "change",
    "bytes before",
    "bytes after",
    "change",
    "tokens before",
    "tokens after",
    "change",
];

fn write_grid(out: &mut dyn Write, grid: &Grid, markdown: bool) -> io::Result<()> {
    if markdown {
        grid.write_markdown(out)
    } else {
        grid.write_text(out)
    }
}

fn heading(out: &mut dyn Write, title: &str, markdown: bool) -> io::Result<()> {
    match markdown {
        true => writeln!(out, "\n### {title}\n"),
        false => writeln!(out, "\n{title}:\n"),
    }
}

fn write_sections(diff: &Diff, out: &mut dyn Write, markdown: bool) -> io::Result<()> {
    if markdown {
        writeln!(out, "## Changes since the previous census\n")?;
    }
    writeln!(out, "Tokens counted with the {} tokenizer.", diff.tokenizer)?;
    if diff.is_empty() {
        writeln!(out, "No change: both censuses have the same figures.")?;
        return Ok(());
    }
    let mut totals = Grid::new(&[&[""][..], &FIGURE_HEADERS[..]].concat(), 1);
    totals.row(figure_cells(vec!["total".into()], &diff.totals));
    heading(out, "Totals", markdown)?;
    write_grid(out, &totals, markdown)?;
    if !diff.sources.is_empty() {
        let headers = [
            &["source", "status", "files +", "files -", "files same"][..],
            &FIGURE_HEADERS[..],
        ]
        .concat();
        let mut grid = Grid::new(&headers, 2);
        for s in &diff.sources {
            let files = |f: fn(&super::FileChange) -> u64| {
                s.files
                    .as_ref()
                    .map(f)
                    .map(thousands)
                    .unwrap_or_else(|| "-".into())
            };
            let label = vec![
                s.figures.name.clone(),
                s.status.into(),
                files(|f| f.added),
                files(|f| f.removed),
                files(|f| f.unchanged),
            ];
            grid.row(figure_cells(label, &s.figures));
        }
        heading(out, "Sources", markdown)?;
        write_grid(out, &grid, markdown)?;
    }
    for (title, first, rows) in [
        ("Categories", "category", &diff.categories),
        (
            "Modalities (documents are items for media)",
            "modality",
            &diff.modalities,
        ),
        ("Months (dated text records)", "month", &diff.months),
        (
            "Tokenizers (tokens of every modality under each)",
            "tokenizer",
            &diff.tokenizers,
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let mut grid = Grid::new(&[&[first][..], &FIGURE_HEADERS[..]].concat(), 1);
        for row in rows {
            grid.row(figure_cells(vec![row.name.clone()], row));
        }
        heading(out, title, markdown)?;
        write_grid(out, &grid, markdown)?;
    }
    let month = |m: &Option<String>| m.clone().unwrap_or_else(|| "none".into());
    let (old, new) = (&diff.latest_month.old, &diff.latest_month.new);
    heading(out, "Collection period and EU summary", markdown)?;
    match old == new {
        true => writeln!(out, "Latest acquisition month: {} (unchanged).", month(new))?,
        false => writeln!(
            out,
            "Latest acquisition month: {} (was {}).",
            month(new),
            month(old)
        )?,
    }
    if diff.eu_size_bands.is_empty() {
        writeln!(out, "No EU summary size band changed.")?;
    }
    for band in &diff.eu_size_bands {
        writeln!(
            out,
            "EU summary size band of {}: {} (was {}).",
            band.modality, band.band.new, band.band.old
        )?;
    }
    Ok(())
}
