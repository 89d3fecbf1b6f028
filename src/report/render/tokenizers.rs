//! The tokenizer comparison, shown whenever a census counted with several tokenizers: each
//! tokenizer's tokens, its bytes of text per text token and its tokens as a ratio to the
//! primary tokenizer's, in total and (with more than one source) per source. Built once as a
//! [`Grid`] and written by every human-readable format; the JSON report carries the figures
//! (`tokens_by_tokenizer`).

use super::grid::Grid;
use super::{Report, human_count, thousands};
use crate::report::TokenizerReport;
use crate::stats::Tally;

/// Whether the census counted with several tokenizers.
pub fn has_several(report: &Report) -> bool {
    report.tokenizers.len() > 1
}

/// The heading the formats put above [`comparison`].
pub const HEADING: &str = "Tokens by tokenizer (each tokenizer counted the same documents in one pass; media tokens are the same under every tokenizer; the ratio is to the primary tokenizer's tokens)";

/// The comparison table: per source (with several) and in total, per tokenizer its tokens,
/// bytes per text token and ratio to the primary's tokens; `exact`: exact figures, else
/// human-readable ones.
pub fn comparison(report: &Report, exact: bool) -> Grid {
    let n = if exact { thousands } else { human_count };
    let mut grid = Grid::new(
        &[
            "source",
            "tokenizer",
            "sha256",
            "tokens",
            "text tokens",
            "bytes per token",
            "vs primary",
        ],
        3,
    );
    let rows = |grid: &mut Grid, name: &str, tally: &Tally, total: bool| {
        let primary = report.tokenizers.first().map(|t| &t.name);
        let primary = primary.and_then(|p| tally.tokens_by_tokenizer.get(p));
        for tokenizer in &report.tokenizers {
            let Some(figures) = tally.tokens_by_tokenizer.get(&tokenizer.name) else {
                continue;
            };
            let ratio = match primary.map(|p| p.tokens) {
                Some(p) if p > 0 => format!("{:.3}", figures.tokens as f64 / p as f64),
                _ => "-".into(),
            };
            let cells = [
                name.to_string(),
                tokenizer.name.clone(),
                short_sha(tokenizer),
                n(figures.tokens),
                n(figures.text_tokens),
                figures
                    .bytes_per_token
                    .map_or("-".into(), |b| format!("{b:.2}")),
                ratio,
            ];
            if total {
                grid.total(cells);
            } else {
                grid.row(cells);
            }
        }
    };
    if report.sources.len() > 1 {
        for source in &report.sources {
            rows(&mut grid, &source.name, &source.tally, false);
        }
        grid.rule();
    }
    rows(&mut grid, "total", &report.totals.tally, true);
    grid
}

/// The first 12 hexadecimal digits of a tokenizer's SHA-256 (the JSON report has all).
fn short_sha(tokenizer: &TokenizerReport) -> String {
    tokenizer.sha256.chars().take(12).collect()
}
