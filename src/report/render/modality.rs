//! The modality tables: text, images, sounds and videos per source and in total, with
//! unsupported items, shown whenever a census holds anything besides text. The table format's
//! is human-readable, the Markdown format's exact (durations in seconds, to the millisecond);
//! the HTML format has a table per modality and one per source with media (durations in hours).

use super::grid::Grid;
use super::{
    Report, count_noun, hours, human_bytes, human_count, human_duration, share, thousands,
};
use crate::stats::Tally;

/// Whether the census counted any image, sound, video, unsupported item or WebDataset sample.
pub fn has_media(report: &Report) -> bool {
    let t = &report.totals.tally;
    let m = &t.by_modality;
    m.image.items + m.audio.items + m.video.items + t.unsupported.items + t.webdataset.samples > 0
}

/// A table with a row per source of `report` that `keep` accepts and a total row named
/// `total`, each row's figures from `cells`.
fn per_source(
    report: &Report,
    header: &[&str],
    total: &str,
    keep: fn(&Tally) -> bool,
    cells: fn(&Tally) -> Vec<String>,
) -> Grid {
    let mut grid = Grid::new(header, 1);
    let named = |name: &str, t: &Tally| std::iter::once(name.to_string()).chain(cells(t));
    for s in report.sources.iter().filter(|s| keep(&s.tally)) {
        grid.row(named(&s.name, &s.tally));
    }
    grid.rule();
    grid.total(named(total, &report.totals.tally));
    grid
}

/// The table format's table, human-readable.
pub fn human(report: &Report) -> Grid {
    let header = [
        "source",
        "text tokens",
        "images",
        "pixels",
        "image tokens",
        "sounds",
        "duration",
        "audio tokens",
        "videos",
        "duration",
        "frames",
        "video tokens",
        "unsupported",
    ];
    per_source(
        report,
        &header,
        "total",
        |_| true,
        |t| {
            let m = &t.by_modality;
            let unsupported = &t.unsupported;
            vec![
                human_count(m.text.tokens),
                human_count(m.image.items),
                human_count(m.image.pixels),
                human_count(m.image.tokens),
                human_count(m.audio.items),
                human_duration(m.audio.seconds),
                human_count(m.audio.tokens),
                human_count(m.video.items),
                human_duration(m.video.seconds),
                human_count(m.video.frames),
                human_count(m.video.tokens),
                format!(
                    "{} ({})",
                    human_count(unsupported.items),
                    human_bytes(unsupported.bytes)
                ),
            ]
        },
    )
}

/// The Markdown format's table, exact (durations in seconds, to the millisecond).
pub fn exact(report: &Report) -> Grid {
    let header = [
        "Source",
        "Text documents",
        "Text tokens",
        "Images",
        "Pixels",
        "Image tokens",
        "Sounds",
        "Sound seconds",
        "Audio tokens",
        "Videos",
        "Video seconds",
        "Sampled frames",
        "Video tokens",
        "Unsupported items",
        "Unsupported bytes",
    ];
    per_source(
        report,
        &header,
        "Total",
        |_| true,
        |t| {
            let m = &t.by_modality;
            vec![
                thousands(m.text.documents),
                thousands(m.text.tokens),
                thousands(m.image.items),
                thousands(m.image.pixels),
                thousands(m.image.tokens),
                thousands(m.audio.items),
                format!("{:.3}", m.audio.seconds),
                thousands(m.audio.tokens),
                thousands(m.video.items),
                format!("{:.3}", m.video.seconds),
                thousands(m.video.frames),
                thousands(m.video.tokens),
                thousands(t.unsupported.items),
                thousands(t.unsupported.bytes),
            ]
        },
    )
}

/// The HTML format's table of each source with media, and the total (durations in hours);
/// `None` when no source has any.
pub fn media_sources(report: &Report) -> Option<Grid> {
    let header = [
        "Source",
        "Images",
        "Image tokens",
        "Sounds",
        "Audio hours",
        "Audio tokens",
        "Videos",
        "Video hours",
        "Video tokens",
        "Unsupported items",
    ];
    let has_media = |t: &Tally| {
        let m = &t.by_modality;
        m.image.items + m.audio.items + m.video.items + t.unsupported.items > 0
    };
    let grid = per_source(report, &header, "Total", has_media, |t| {
        let m = &t.by_modality;
        vec![
            thousands(m.image.items),
            thousands(m.image.tokens),
            thousands(m.audio.items),
            hours(m.audio.seconds),
            thousands(m.audio.tokens),
            thousands(m.video.items),
            hours(m.video.seconds),
            thousands(m.video.tokens),
            thousands(t.unsupported.items),
        ]
    });
    report
        .sources
        .iter()
        .any(|s| has_media(&s.tally))
        .then_some(grid)
}

/// The HTML format's table of the whole census per modality, with each one's share of tokens.
pub fn totals(report: &Report) -> Grid {
    let t = &report.totals.tally;
    let m = &t.by_modality;
    let whole = t.counts.tokens;
    let mut grid = Grid::new(
        &["Modality", "Items", "Size", "Tokens", "Share of tokens"],
        1,
    );
    let mut row = |name: &str, items: String, size: String, tokens: Option<u64>| {
        let (tokens, part) = tokens.map_or(("-".into(), "-".into()), |n| {
            (thousands(n), share(n, whole))
        });
        grid.row([name.into(), items, size, tokens, part]);
    };
    row(
        "Text",
        count_noun(m.text.documents, "document", "documents"),
        count_noun(m.text.bytes, "UTF-8 byte", "UTF-8 bytes"),
        Some(m.text.tokens),
    );
    row(
        "Images",
        count_noun(m.image.items, "image", "images"),
        count_noun(m.image.pixels, "pixel", "pixels"),
        Some(m.image.tokens),
    );
    row(
        "Audio",
        count_noun(m.audio.items, "sound", "sounds"),
        format!("{} hours", hours(m.audio.seconds)),
        Some(m.audio.tokens),
    );
    row(
        "Video",
        count_noun(m.video.items, "video", "videos"),
        format!(
            "{} hours, {}",
            hours(m.video.seconds),
            count_noun(m.video.frames, "sampled frame", "sampled frames")
        ),
        Some(m.video.tokens),
    );
    row(
        "Unsupported",
        count_noun(t.unsupported.items, "item", "items"),
        count_noun(t.unsupported.bytes, "byte", "bytes"),
        None,
    );
    grid
}
