//! A draw of the records of streamed files: what decides which documents of a compressed JSONL
//! file are counted while every one of them is still read (an estimate sampling inside
//! streams). The engine offers it each document and tells it what each drawn one counted; the
//! engine knows no sampling design, the draw knows no files.

/// Decides which documents of some files are counted, seeing every one as it streams past.
pub trait RecordDraw: Send + Sync + std::fmt::Debug {
    /// Whether the documents of plan file `file` go through this draw (the engine asks it of
    /// compressed JSONL files only; every other file is counted whole).
    fn draws(&self, file: usize) -> bool;

    /// The document on line `line` (from 1) of plan file `file`, of `bytes` text bytes: whether
    /// it is counted. Asked once for every document of the file, from any thread, in any order.
    fn offer(&self, file: usize, line: u64, bytes: u64) -> bool;

    /// The drawn document on line `line` of plan file `file` counted `tokens` under every
    /// tokenizer of the run (the primary first), or was refused by one of them (`None`: as in a
    /// count, it is then no document, for any tokenizer).
    fn counted(&self, file: usize, line: u64, tokens: Option<&[u64]>);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EngineOptions, run};
    use crate::plan::{Plan, PlannedFile, Source};
    use crate::read::format::Format;
    use crate::stats::Category;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// Takes every third line, and writes down what it was offered and told.
    #[derive(Debug, Default)]
    struct EveryThird {
        offered: Mutex<Vec<(u64, u64)>>,
        counted: Mutex<Vec<(u64, Option<Vec<u64>>)>>,
    }

    impl RecordDraw for EveryThird {
        fn draws(&self, file: usize) -> bool {
            file == 0
        }
        fn offer(&self, _: usize, line: u64, bytes: u64) -> bool {
            self.offered.lock().unwrap().push((line, bytes));
            line.is_multiple_of(3)
        }
        fn counted(&self, _: usize, line: u64, tokens: Option<&[u64]>) {
            self.counted
                .lock()
                .unwrap()
                .push((line, tokens.map(<[u64]>::to_vec)));
        }
    }

    #[test]
    fn a_draw_sees_every_document_of_a_stream_and_only_its_picks_are_counted_by_every_tokenizer() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for i in 1..=3000 {
            text += &match i {
                7 => "not json\n".to_string(),
                9 => "\n".to_string(),
                _ => format!("{{\"text\":\"document number {i}\"}}\n"),
            };
        }
        let path = dir.path().join("a.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        let plan = Plan {
            sources: vec![Source::new("a".into(), Category::Public, "text".into())],
            files: vec![PlannedFile {
                format: Format::of(&path),
                size: std::fs::metadata(&path).unwrap().len(),
                path,
                source: 0,
                etag: None,
                modified: None,
                range: None,
            }],
            ..Plan::default()
        };
        let llama = crate::count::test_support::llama3();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let gemma = root.join("fixtures/tokenizers/gemma3.tokenizer.json.zst");
        let gemma = crate::count::Tokenizer::from_file(gemma).unwrap();
        let tokenizers = crate::count::TokenizerList::new(vec![llama, &gemma]).unwrap();
        let draw = Arc::new(EveryThird::default());
        let options = EngineOptions {
            threads: 2,
            mmap: true,
            chunk_bytes: 4096,
            max_document_bytes: 1 << 20,
            progress: false,
            signals: None,
            chat_template: None,
            draw: Some(draw.clone()),
        };
        let output = run(&plan, &tokenizers, &options, None).unwrap();
        let mut offered = draw.offered.lock().unwrap().clone();
        offered.sort_unstable();
        let documents: Vec<u64> = (1..=3000).filter(|&i| i != 7 && i != 9).collect();
        assert_eq!(offered.iter().map(|o| o.0).collect::<Vec<_>>(), documents);
        let line_20 = "document number 20".len() as u64;
        assert!(offered.contains(&(20, line_20)));
        let mut counted = draw.counted.lock().unwrap().clone();
        counted.sort_unstable();
        let picked: Vec<u64> = documents
            .iter()
            .copied()
            .filter(|i| i.is_multiple_of(3))
            .collect();
        assert_eq!(counted.iter().map(|c| c.0).collect::<Vec<_>>(), picked);
        let stats = &output.sources[0];
        assert_eq!(stats.counts.documents, picked.len() as u64);
        // Each drawn document came back with its tokens under both tokenizers, which add up to
        // what each counted.
        let under = |k: usize| -> u64 { counted.iter().map(|c| c.1.as_ref().unwrap()[k]).sum() };
        assert!(counted.iter().all(|c| c.1.as_ref().unwrap().len() == 2));
        assert_eq!(stats.counts.tokens, under(0));
        assert_eq!(stats.by_tokenizer[0].tokens, under(1));
        assert_ne!(under(0), under(1));
        // The problems of every line are still reported.
        assert_eq!(output.errors.len(), 1);
        assert_eq!(output.errors[0].line, Some(7));
    }
}
