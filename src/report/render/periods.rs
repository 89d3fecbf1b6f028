//! The time frame of a census, shared by the Markdown, eu-summary and HTML formats: month
//! names, the collection period in a sentence, and rows per year and per source, from the
//! report's `by_month`, `by_year`, `earliest_month`, `latest_month`, `undated` and `declared`.

use super::grid::Grid;
use super::{count_noun, plural, share, thousands};
use crate::report::{Report, SourceReport};
use crate::stats::{DocTokens, MONTH_NAMES, Tally, parse_month_key};

/// `YYYY-MM` as (year, month 1..=12), or `None` for anything else.
pub fn parse_month(key: &str) -> Option<(i32, u32)> {
    parse_month_key(key).map(|m| (m.div_euclid(12), m.rem_euclid(12) as u32 + 1))
}

/// `2023-12` → `December 2023`; anything unparseable is returned as given.
pub fn month_name(key: &str) -> String {
    parse_month(key).map_or_else(
        || key.to_string(),
        |(y, m)| format!("{} {y}", MONTH_NAMES[m as usize - 1]),
    )
}

/// `2023-12` → `12/2023` (the EU template's MM/YYYY); anything unparseable as given.
pub fn mm_yyyy(key: &str) -> String {
    parse_month(key).map_or_else(|| key.to_string(), |(y, m)| format!("{m:02}/{y}"))
}

/// The collection period in one or two sentences, with what it does not cover.
pub fn time_frame_sentence(t: &Tally) -> String {
    let p = &t.periods;
    let text_tokens = t.by_modality.text.tokens;
    let mut out = match (&p.earliest_month, &p.latest_month) {
        (Some(first), Some(last)) => format!(
            "Records were collected from {} up to {} ({} dated by a date field, {} of sources that declare their collection period).",
            month_name(first),
            month_name(last),
            count_noun(p.by_month.values().map(|d| d.documents).sum(), "document", "documents"),
            count_noun(p.declared.documents, "document", "documents")
        ),
        _ => "No record carries a date and no source declares a collection period: the census cannot tell when the data was collected.".into(),
    };
    if p.undated.documents > 0 && (p.earliest_month.is_some() || p.latest_month.is_some()) {
        out += &format!(
            " {} ({} of text tokens) {} no usable date and {} not covered by this period.",
            count_noun(p.undated.documents, "document", "documents"),
            share(p.undated.tokens, text_tokens),
            plural(p.undated.documents, "carries", "carry"),
            plural(p.undated.documents, "is", "are")
        );
    }
    out
}

/// The table of text documents and tokens per year, then the declared and undated remainders
/// when they hold anything, each with its share of the text tokens.
pub fn years(t: &Tally) -> Grid {
    let p = &t.periods;
    let whole = t.by_modality.text.tokens;
    let mut grid = Grid::new(&["Year", "Documents", "Tokens", "Share of text tokens"], 1);
    let mut row = |label: &str, d: &DocTokens| {
        grid.row([
            label.to_string(),
            thousands(d.documents),
            thousands(d.tokens),
            share(d.tokens, whole),
        ])
    };
    for (year, d) in &p.by_year {
        row(year, d);
    }
    if p.declared.documents > 0 {
        row(
            "declared collection period (no per-record date)",
            &p.declared,
        );
    }
    if p.undated.documents > 0 {
        row("undated", &p.undated);
    }
    grid
}

/// How a source's records are dated: its date field, its declared period, or nothing.
pub fn dated_by(s: &SourceReport) -> String {
    match (&s.date_field, &s.collected) {
        (Some(field), _) => format!("field \"{field}\""),
        (None, Some(c)) => format!("declared {} to {}", mm_yyyy(&c.from), mm_yyyy(&c.to)),
        (None, None) => "no date".into(),
    }
}

/// The table of how each source's records are dated, their earliest and latest month, and its
/// undated documents.
pub fn sources(report: &Report) -> Grid {
    let header = [
        "Source",
        "Dated by",
        "Earliest (MM/YYYY)",
        "Latest (MM/YYYY)",
        "Undated documents",
    ];
    let mut grid = Grid::new(&header, 2);
    for s in &report.sources {
        let p = &s.tally.periods;
        let month = |m: &Option<String>| m.as_deref().map_or("-".into(), mm_yyyy);
        grid.row([
            s.name.clone(),
            dated_by(s),
            month(&p.earliest_month),
            month(&p.latest_month),
            thousands(p.undated.documents),
        ]);
    }
    grid
}

/// Whether the report knows anything about when its records were collected.
pub fn has_periods(t: &Tally) -> bool {
    let p = &t.periods;
    p.earliest_month.is_some() || !p.by_month.is_empty() || p.declared.documents > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_formats() {
        assert_eq!(month_name("2023-12"), "December 2023");
        assert_eq!(mm_yyyy("2023-01"), "01/2023");
        assert_eq!(month_name("2023-13"), "2023-13");
        assert_eq!(mm_yyyy("soon"), "soon");
        assert_eq!(parse_month("23-01"), None);
    }
}
