//! The modality breakdown shared by the table and Markdown formats: text, images, sounds and
//! videos per source and in total, with unsupported items and WebDataset samples, shown
//! whenever a census holds anything besides text.

use super::{Report, human_bytes, human_count, human_duration, thousands};
use crate::report::Tally;

/// Whether the census counted any image, sound, video, unsupported item or WebDataset sample.
pub fn has_media(report: &Report) -> bool {
    let t = &report.totals.tally;
    let m = &t.by_modality;
    m.image.items + m.audio.items + m.video.items + t.unsupported.items + t.webdataset.samples > 0
}

const HEADER: [&str; 13] = [
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

fn table_row(name: &str, t: &Tally) -> Vec<String> {
    let m = &t.by_modality;
    vec![
        name.to_string(),
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
            human_count(t.unsupported.items),
            human_bytes(t.unsupported.bytes)
        ),
    ]
}

/// Rows for the table format (`None`: a rule).
pub fn table_rows(report: &Report) -> Vec<Option<Vec<String>>> {
    let mut rows = vec![Some(HEADER.iter().map(|s| s.to_string()).collect()), None];
    for s in &report.sources {
        rows.push(Some(table_row(&s.name, &s.tally)));
    }
    rows.push(None);
    rows.push(Some(table_row("total", &report.totals.tally)));
    rows
}

fn markdown_cells(t: &Tally) -> String {
    let m = &t.by_modality;
    format!(
        "{} | {} | {} | {} | {} | {} | {:.3} | {} | {} | {:.3} | {} | {} | {} | {}",
        thousands(m.text.documents),
        thousands(m.text.tokens),
        thousands(m.image.items),
        thousands(m.image.pixels),
        thousands(m.image.tokens),
        thousands(m.audio.items),
        m.audio.seconds,
        thousands(m.audio.tokens),
        thousands(m.video.items),
        m.video.seconds,
        thousands(m.video.frames),
        thousands(m.video.tokens),
        thousands(t.unsupported.items),
        thousands(t.unsupported.bytes),
    )
}

/// The Markdown modality table, exact figures (durations in seconds, to the millisecond).
pub fn markdown(report: &Report) -> String {
    let mut out = String::from(
        "Tokens by modality (images, sounds and videos counted from their headers under each source's token models, stated in the JSON report):\n\n\
         | Source | Text documents | Text tokens | Images | Pixels | Image tokens | Sounds | Sound seconds | Audio tokens | Videos | Video seconds | Sampled frames | Video tokens | Unsupported items | Unsupported bytes |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for s in &report.sources {
        out += &format!(
            "| {} | {} |\n",
            super::markdown::escape(&s.name),
            markdown_cells(&s.tally)
        );
    }
    out += &format!(
        "| **Total** | {} |\n\n",
        markdown_cells(&report.totals.tally)
    );
    out
}
