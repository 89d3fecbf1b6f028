//! `read::parquet` against pyarrow's values for every fixture in `fixtures/parquet/` (read on one
//! thread and on two), the Hugging Face `{bytes, path}` columns cell by cell, the problems of a
//! missing or non-string text column. Damaged files: `tests/suite/parquet_damage.rs`.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use tokencensus::ErrorKind;
use tokencensus::read::parquet::{Cell, ParquetColumns, ParquetFile};

const DIR: &str = "fixtures/parquet";

fn expected() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(Path::new(DIR).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn open(name: &str) -> ParquetFile {
    ParquetFile::open(&Path::new(DIR).join(name)).unwrap()
}

/// What the cells of some row groups add up to, in the shape of `expected.json`.
#[derive(Default)]
struct Tally {
    texts: u64,
    text_bytes: u64,
    null_texts: u64,
    bad_texts: u64,
    media: BTreeMap<String, [u64; 3]>,
    /// Cells per row, to check that every row has one cell per column.
    rows: BTreeMap<u64, usize>,
}

impl Tally {
    fn add(&mut self, cell: Cell<'_>) {
        let row = match cell {
            Cell::Text { row, text, .. } => {
                self.texts += 1;
                self.text_bytes += text.len() as u64;
                row
            }
            Cell::Null {
                row,
                column: "text",
            } => {
                self.null_texts += 1;
                row
            }
            Cell::Bad { row, problem, .. } => {
                assert_eq!(problem.kind, ErrorKind::InvalidUnicode);
                self.bad_texts += 1;
                row
            }
            Cell::Null { row, column } => {
                self.media.entry(column.to_string()).or_default()[2] += 1;
                row
            }
            Cell::Media {
                row, column, bytes, ..
            } => {
                let m = self.media.entry(column.to_string()).or_default();
                m[0] += 1;
                m[1] += bytes.len() as u64;
                row
            }
        };
        *self.rows.entry(row).or_default() += 1;
    }

    fn merge(mut self, other: Tally) -> Tally {
        self.texts += other.texts;
        self.text_bytes += other.text_bytes;
        self.null_texts += other.null_texts;
        self.bad_texts += other.bad_texts;
        for (column, m) in other.media {
            let mine = self.media.entry(column).or_default();
            (0..3).for_each(|i| mine[i] += m[i]);
        }
        for (row, n) in other.rows {
            assert!(self.rows.insert(row, n).is_none(), "row {row} read twice");
        }
        self
    }

    fn json(&self, file: &ParquetFile) -> Value {
        let media: BTreeMap<&String, Value> = (self.media.iter())
            .map(|(c, m)| (c, json!({"cells": m[0], "bytes": m[1], "nulls": m[2]})))
            .collect();
        json!({
            "rows": file.rows(), "row_groups": file.row_groups(), "texts": self.texts,
            "text_bytes": self.text_bytes, "null_texts": self.null_texts,
            "bad_texts": self.bad_texts, "media": media,
        })
    }
}

/// Reads the row groups `thread`, `thread + threads`, ... of `file`.
fn tally(file: &ParquetFile, columns: &ParquetColumns, thread: usize, threads: usize) -> Tally {
    let mut tally = Tally::default();
    for group in (thread..file.row_groups()).step_by(threads) {
        file.read_row_group(group, columns, &mut |cell| tally.add(cell))
            .unwrap();
    }
    tally
}

#[test]
fn every_fixture_matches_pyarrow_on_one_and_two_threads() {
    for (name, want) in expected() {
        if want.get("error").is_some() {
            continue;
        }
        let file = open(&name);
        let columns = file.columns(Some("text")).unwrap();
        let mut media: Vec<&str> = columns.media().collect();
        media.sort();
        let want_media: Vec<&String> = want["media"].as_object().unwrap().keys().collect();
        assert_eq!(media, want_media, "{name}: media columns");
        let one = tally(&file, &columns, 0, 1);
        assert_eq!(one.json(&file), want, "{name}");
        let per_row = 1 + media.len();
        assert_eq!(one.rows.len() as u64, file.rows(), "{name}: rows seen");
        assert!(one.rows.values().all(|&n| n == per_row), "{name}");
        assert_eq!(one.rows.keys().last().copied(), file.rows().checked_sub(1));
        let mut text_only = columns.clone();
        text_only.retain_media(|_| false);
        let alone = tally(&file, &text_only, 0, 1);
        let texts = |t: &Tally| [t.texts, t.text_bytes, t.null_texts, t.bad_texts];
        assert_eq!(texts(&alone), texts(&one), "{name}: text alone");
        let two = std::thread::scope(|s| {
            let (file, columns) = (&file, &columns);
            let handles: Vec<_> = (0..2)
                .map(|t| s.spawn(move || tally(file, columns, t, 2)))
                .collect();
            let mut parts = handles.into_iter().map(|h| h.join().unwrap());
            let first = parts.next().unwrap();
            parts.fold(first, Tally::merge)
        });
        assert_eq!(two.json(&file), want, "{name} on two threads");
        assert_eq!(two.rows, one.rows, "{name} on two threads");
    }
}

#[test]
fn hugging_face_columns_cell_by_cell() {
    let file = open("hf-image-audio.parquet");
    assert_eq!((file.rows(), file.row_groups()), (6, 2));
    assert_eq!((file.row_group_rows(0), file.row_group_rows(1)), (4, 2));
    assert!(file.uncompressed_bytes() > 30_000);
    let columns = file.columns(Some("text")).unwrap();
    assert_eq!(columns.text(), Some("text"));
    let mut cells = Vec::new();
    for group in 0..file.row_groups() {
        file.read_row_group(group, &columns, &mut |cell| cells.push(describe(cell)))
            .unwrap();
    }
    let media = |f: &str| {
        std::fs::read(Path::new("fixtures/media").join(f))
            .unwrap()
            .len()
    };
    let (png, jpg, gif, wav) = (
        media("image.png"),
        media("image.jpg"),
        media("image.gif"),
        media("tone.wav"),
    );
    let want = [
        "0 text 27".to_string(),
        format!("0 image image.png {png}"),
        "0 audio null".into(),
        "1 text null".into(),
        format!("1 image photos/image.jpg {jpg}"),
        format!("1 audio tone.wav {wav}"),
        "2 text 12".into(),
        "2 image null".into(),
        "2 audio null".into(),
        format!("3 text {}", "Ein Bild, 一张图片".len()),
        format!("3 image - {gif}"),
        "3 audio null".into(),
        "4 text 11".into(),
        "4 image null".into(),
        "4 audio null".into(),
        "5 text 0".into(),
        format!("5 image again.png {png}"),
        "5 audio null".into(),
    ];
    assert_eq!(cells, want);
}

fn describe(cell: Cell<'_>) -> String {
    match cell {
        Cell::Text { row, text, .. } => format!("{row} text {}", text.len()),
        Cell::Media {
            row,
            column,
            name,
            bytes,
        } => {
            format!("{row} {column} {} {}", name.unwrap_or("-"), bytes.len())
        }
        Cell::Null { row, column } => format!("{row} {column} null"),
        Cell::Bad {
            row,
            column,
            problem,
        } => format!("{row} {column} bad {}", problem.message),
    }
}

#[test]
fn media_bytes_are_the_files_bytes_and_media_only_reads_work() {
    let file = open("hf-image-audio.parquet");
    let mut columns = file.columns(None).unwrap();
    assert_eq!(columns.text(), None);
    columns.retain_media(|c| c == "audio");
    let mut seen = Vec::new();
    file.read_row_group(0, &columns, &mut |cell| {
        if let Cell::Media { row, bytes, .. } = cell {
            seen.push((row, bytes.to_vec()));
        }
    })
    .unwrap();
    assert_eq!(
        seen,
        [(1, std::fs::read("fixtures/media/tone.wav").unwrap())]
    );
}

#[test]
fn non_ascii_and_invalid_utf8_text() {
    let file = open("text.parquet");
    let columns = file.columns(Some("text")).unwrap();
    let mut found = None;
    file.read_row_group(1, &columns, &mut |cell| {
        if let Cell::Text { row, text, .. } = cell
            && text.contains("Grüße")
        {
            found = Some((row, text.chars().count()));
        }
    })
    .unwrap();
    assert_eq!(found.map(|(row, _)| row), Some(150));
    let file = open("invalid-utf8.parquet");
    let mut cells = Vec::new();
    let columns = file.columns(Some("text")).unwrap();
    file.read_row_group(0, &columns, &mut |cell| cells.push(describe(cell)))
        .unwrap();
    let bad = "1 text bad invalid UTF-8 at byte 2 of the text";
    assert_eq!(cells, ["0 text 4", bad, "2 text 9", "3 text null"]);
}

#[test]
fn missing_and_non_string_text_columns() {
    let file = open("hf-image-audio.parquet");
    let missing = file.columns(Some("body")).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::MissingField);
    assert!(
        missing.message.contains("text, image.bytes, image.path"),
        "{}",
        missing.message
    );
    let number = file.columns(Some("label")).unwrap_err();
    assert_eq!(number.kind, ErrorKind::FieldType, "{}", number.message);
    let nested = file.columns(Some("image")).unwrap_err();
    assert_eq!(nested.kind, ErrorKind::FieldType, "{}", nested.message);
    let columns = file.columns(Some("image.path")).unwrap();
    assert_eq!(columns.media().collect::<Vec<_>>(), ["image", "audio"]);
    let err = file.read_row_group(2, &columns, &mut |_| {}).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Parquet);
}
