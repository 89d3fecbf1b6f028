//! The collection period and domain lines of the table format: per source and in total, the
//! months covered, how much is undated or declared, and the largest domains.

use super::{Report, human_count, plural, share};
use crate::stats::Tally;
use std::io::{self, Write};

/// How many domains the table names per line.
const DOMAINS_SHOWN: usize = 5;

/// Whether any record of the report was dated, declared or placed under a domain.
pub(super) fn has_provenance(report: &Report) -> bool {
    let t = &report.totals.tally;
    t.periods.earliest_month.is_some() || !t.domains.domains.is_empty()
}

/// One line on when the records of `t` were collected.
fn period_line(t: &Tally) -> String {
    let p = &t.periods;
    let span = match (&p.earliest_month, &p.latest_month) {
        (Some(first), Some(last)) if first == last => format!("collected {first}"),
        (Some(first), Some(last)) => format!("collected {first} to {last}"),
        _ => "no dates".to_string(),
    };
    let mut parts = vec![span];
    if p.declared.documents > 0 {
        let n = p.declared.documents;
        parts.push(format!(
            "{} {} by declared period",
            human_count(n),
            plural(n, "document", "documents")
        ));
    }
    if p.undated.documents > 0 {
        let (n, tokens) = (p.undated.documents, p.undated.tokens);
        parts.push(format!(
            "{} {} ({} {}) undated",
            human_count(n),
            plural(n, "document", "documents"),
            human_count(tokens),
            plural(tokens, "token", "tokens")
        ));
    }
    parts.join("; ")
}

/// One line naming the largest domains of `t` with their share of its text tokens.
fn domain_line(t: &Tally) -> Option<String> {
    let d = &t.domains;
    if d.domains.is_empty() {
        return None;
    }
    let text = t.by_modality.text.tokens.max(1);
    let mut names: Vec<String> = (d.domains.iter().take(DOMAINS_SHOWN))
        .map(|x| format!("{} {}", x.domain, share(x.tokens, text)))
        .collect();
    let more = d.domains.len().saturating_sub(DOMAINS_SHOWN) as u64 + d.domains_other.domains;
    if more > 0 {
        names.push(format!("{} more", human_count(more)));
    }
    Some(format!("domains: {}", names.join(", ")))
}

/// Writes the period and domain lines of every source and of the totals.
pub(super) fn write_lines(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\ncollection periods and web domains (share of text tokens):"
    )?;
    let mut entries: Vec<(&str, &Tally)> = report
        .sources
        .iter()
        .map(|s| (s.name.as_str(), &s.tally))
        .collect();
    if report.sources.len() > 1 {
        entries.push(("total", &report.totals.tally));
    }
    for (name, t) in entries {
        writeln!(out, "  {name}: {}", period_line(t))?;
        if let Some(line) = domain_line(t) {
            writeln!(out, "  {:width$}  {line}", "", width = name.chars().count())?;
        }
    }
    Ok(())
}
