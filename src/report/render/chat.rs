//! The chat tables, shown whenever a census counted conversations: per source (and in total)
//! the conversations, their turns and the tokens the chat template added; and per role the
//! messages and their contents' tokens. Exact figures for Markdown and HTML, human-readable
//! ones for the table format.

use super::grid::Grid;
use super::{Report, human_count, share, thousands};
use crate::stats::{ChatTally, ROLES};

/// Whether the census counted any conversation.
pub fn has_chat(report: &Report) -> bool {
    report.totals.tally.chat.is_some()
}

/// Each source with conversations, then the total, with their chat figures.
fn rows(report: &Report) -> Vec<(String, &ChatTally)> {
    let sources = report.sources.iter();
    let named = sources.filter_map(|s| Some((s.name.clone(), s.tally.chat.as_ref()?)));
    let total = report.totals.tally.chat.as_ref();
    named
        .chain(total.map(|c| ("total".to_string(), c)))
        .collect()
}

/// How a figure is written: exactly (`1,234,567`) or for people (`1.2M`).
fn figure(exact: bool) -> fn(u64) -> String {
    if exact { thousands } else { human_count }
}

/// The conversations table: conversations, messages, turns per conversation (min, mean,
/// median, max), template tokens and unresolved media.
pub fn conversations(report: &Report, exact: bool) -> Grid {
    let n = figure(exact);
    let mut grid = Grid::new(
        &[
            "source",
            "conversations",
            "messages",
            "turns min",
            "turns mean",
            "turns p50",
            "turns max",
            "template tokens",
            "unresolved media",
        ],
        1,
    );
    let all = rows(report);
    let last = all.len().saturating_sub(1);
    for (i, (name, chat)) in all.into_iter().enumerate() {
        let turns = chat.turns_per_conversation;
        let template = match chat.rendered {
            0 => "-".to_string(),
            _ if chat.template_tokens < 0 => format!("-{}", n(chat.template_tokens.unsigned_abs())),
            _ => n(chat.template_tokens as u64),
        };
        let cells = [
            name,
            n(chat.conversations),
            n(chat.messages),
            turns.map_or("-".into(), |t| thousands(t.min)),
            turns.map_or("-".into(), |t| format!("{:.1}", t.mean)),
            turns.map_or("-".into(), |t| thousands(t.p50)),
            turns.map_or("-".into(), |t| thousands(t.max)),
            template,
            n(chat.unresolved_media),
        ];
        if i == last {
            grid.rule();
            grid.total(cells);
        } else {
            grid.row(cells);
        }
    }
    grid
}

/// The roles table: per source and role, messages and content tokens with their share of the
/// source's content tokens.
pub fn roles(report: &Report, exact: bool) -> Grid {
    let n = figure(exact);
    let mut grid = Grid::new(
        &["source", "role", "messages", "content tokens", "share"],
        2,
    );
    for (name, chat) in rows(report) {
        let whole: u64 = chat.by_role.values().map(|r| r.tokens).sum();
        for role in ROLES {
            let Some(count) = chat.by_role.get(role).filter(|c| c.messages > 0) else {
                continue;
            };
            grid.row([
                name.clone(),
                role.to_string(),
                n(count.messages),
                n(count.tokens),
                share(count.tokens, whole),
            ]);
        }
    }
    grid
}
