//! `read::parquet` on damaged input: the damaged fixtures, every valid fixture cut at 50 points and
//! with 600 single-byte mutations each: always a problem or a read, never a panic.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use tokencensus::ErrorKind;
use tokencensus::read::parquet::ParquetFile;

const DIR: &str = "fixtures/parquet";

fn expected() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(Path::new(DIR).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn damaged_files_are_problems() {
    for (name, want) in expected() {
        if let Some(kind) = want.get("error") {
            let err = ParquetFile::open(&Path::new(DIR).join(&name))
                .err()
                .unwrap();
            assert_eq!(
                Value::from(err.kind.to_string()),
                *kind,
                "{name}: {}",
                err.message
            );
        }
    }
    let err = ParquetFile::open(Path::new("fixtures/parquet/absent.parquet")).err();
    assert_eq!(err.unwrap().kind, ErrorKind::Io);
}

/// Opens `bytes` and reads every row group; the problems met, none of them a caught panic.
fn read_all(bytes: Vec<u8>) -> Vec<tokencensus::read::Problem> {
    let file = match ParquetFile::from_bytes(bytes) {
        Ok(file) => file,
        Err(problem) => return vec![problem],
    };
    let columns = match file.columns(Some("text")) {
        Ok(columns) => columns,
        Err(problem) => return vec![problem],
    };
    let mut problems = Vec::new();
    for group in 0..file.row_groups() {
        let mut cells = 0u64;
        match file.read_row_group(group, &columns, &mut |_| cells += 1) {
            Ok(()) => assert!(cells <= file.row_group_rows(group) * 3),
            Err(problem) => problems.push(problem),
        }
    }
    problems
}

fn valid_fixtures() -> Vec<(String, Vec<u8>)> {
    let names = expected()
        .into_iter()
        .filter(|(_, v)| v.get("error").is_none());
    names
        .map(|(name, _)| {
            (
                name.clone(),
                std::fs::read(Path::new(DIR).join(&name)).unwrap(),
            )
        })
        .collect()
}

#[test]
fn truncations_are_problems_not_panics() {
    for (name, data) in valid_fixtures() {
        for i in 0..50 {
            let cut = data.len() * i / 50;
            let problems = read_all(data[..cut].to_vec());
            assert!(
                !problems.is_empty(),
                "{name} cut at {cut} read without a problem"
            );
            for p in problems {
                assert_eq!(
                    p.kind,
                    ErrorKind::Parquet,
                    "{name} cut at {cut}: {}",
                    p.message
                );
            }
        }
    }
}

/// Damaged pages can make the `parquet` crate assert; the reader turns that into a problem.
#[test]
fn mutations_are_problems_not_panics() {
    let mut caught = 0;
    for (name, data) in valid_fixtures() {
        let step = (data.len() / 300).max(1);
        for at in (0..data.len()).step_by(step) {
            for flip in [0xff, 0x80] {
                let mut bytes = data.clone();
                bytes[at] ^= flip;
                for p in read_all(bytes) {
                    let what = format!("{name} byte {at} ^ {flip:#x}: {}", p.message);
                    caught += usize::from(p.message.contains("failed on malformed data"));
                    let kinds = [
                        ErrorKind::Parquet,
                        ErrorKind::MissingField,
                        ErrorKind::FieldType,
                    ];
                    assert!(kinds.contains(&p.kind), "{what}");
                }
            }
        }
    }
    eprintln!("{caught} decoder panics caught and reported as problems");
}
