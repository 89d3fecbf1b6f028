//! Validation of `estimate` against exact counts: on a generated multi-source corpus (about
//! 55 MB of text: uncompressed JSONL, many small zstd and gzip files, and single large zstd,
//! gzip and plain files) whose files differ from each other and drift within themselves (so that
//! documents in one file are correlated), the 95% intervals of every source and of the total
//! cover the exact counts in at least 90 of 100 seeds, and the total's interval of every 5%
//! sample is narrower than ±5%. The single compressed files are sampled inside their streams:
//! their documents must be exact. The tokenizer is loaded once and the corpus discovered once;
//! each seed draws and counts only its sample.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::Path;
use tokencensus::CountConfig;
use tokencensus::report::Report;
use tokencensus::stats::{Estimate, SizeSource};
use tokencensus::{EstimateConfig, Population, SampleSize, estimate_sample};

/// One document of `chars` characters in a style: prose, digits, CJK or code.
fn document(rng: &mut ChaCha8Rng, style: usize, chars: usize) -> String {
    const SYLLABLES: [&str; 12] = [
        "ka", "ro", "ten", "mi", "sul", "a", "ve", "ndo", "li", "qua", "str", "e",
    ];
    const CODE: [&str; 10] = [
        "fn ", "let ", "x", "_id", " = ", "();\n", "{\n    ", "}\n", "->", "&mut ",
    ];
    let mut text = String::new();
    let mut count = 0;
    while count < chars {
        let before = text.len();
        match style {
            0 => {
                for _ in 0..rng.random_range(1..4) {
                    text.push_str(SYLLABLES[rng.random_range(0..SYLLABLES.len())]);
                }
                text.push(if rng.random_bool(0.1) { '.' } else { ' ' });
            }
            1 => {
                let n: u32 = rng.random_range(0..100_000);
                text.push_str(&format!("{n}, "));
            }
            2 => {
                for _ in 0..rng.random_range(2..8) {
                    text.push(char::from_u32(rng.random_range(0x4E00..0x9FA5)).unwrap());
                }
                text.push('。');
            }
            _ => text.push_str(CODE[rng.random_range(0..CODE.len())]),
        }
        count += text[before..].chars().count();
    }
    text
}

/// JSONL of `documents` records whose style drifts from `from` to `to` along the file.
fn jsonl(rng: &mut ChaCha8Rng, documents: usize, from: [f64; 4], to: [f64; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..documents {
        let t = i as f64 / documents.max(1) as f64;
        let weights: Vec<f64> = (0..4).map(|k| from[k] * (1.0 - t) + to[k] * t).collect();
        let mut pick = rng.random::<f64>() * weights.iter().sum::<f64>();
        let style = (0..4)
            .find(|&k| {
                pick -= weights[k];
                pick <= 0.0
            })
            .unwrap_or(3);
        let chars = (40.0 * (rng.random::<f64>() * 4.5).exp()) as usize;
        let text = serde_json::to_string(&document(rng, style, chars)).unwrap();
        writeln!(out, "{{\"id\":{i},\"text\":{text}}}").unwrap();
    }
    out
}

/// A file's mix of styles: mostly prose, with a random share of digits, CJK and code.
fn random_mix(rng: &mut ChaCha8Rng) -> [f64; 4] {
    let mut mix = [(); 4].map(|_| rng.random::<f64>().powi(2) / 2.0);
    mix[0] += 0.5;
    mix
}

/// The sources, in the manifest's order.
const SOURCES: [&str; 7] = [
    "web",
    "wiki",
    "chat",
    "mail",
    "stream-zst",
    "stream-gz",
    "plain-big",
];

/// The sources whose one compressed file is sampled inside its stream.
const STREAMS: [&str; 2] = ["stream-zst", "stream-gz"];

/// Writes the corpus: seven sources of uncompressed, gzip and zstd JSONL, declared in
/// `sources.toml` (fixed names, so that the draws do not depend on the temporary folder).
fn generate(root: &Path) {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let write = |rel: String, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    // web: 16 files, each its own mix.
    for f in 0..16 {
        let mix = random_mix(&mut rng);
        write(
            format!("web/part-{f:02}.jsonl"),
            &jsonl(&mut rng, 700, mix, mix),
        );
    }
    // wiki: one large file drifting from prose to code and CJK.
    let wiki = jsonl(&mut rng, 8000, [1.0, 0.1, 0.0, 0.0], [0.2, 0.0, 0.6, 0.4]);
    write("wiki/all.jsonl".into(), &wiki);
    // chat: 600 small zstd files (content sizes in the frame headers).
    for f in 0..600 {
        let mix = random_mix(&mut rng);
        let data = jsonl(&mut rng, 16, mix, mix);
        write(
            format!("chat/{f:03}.jsonl.zst"),
            &zstd::bulk::compress(&data, 1).unwrap(),
        );
    }
    // mail: 600 small gzip files (content sizes in the trailers).
    for f in 0..600 {
        let mix = random_mix(&mut rng);
        let data = jsonl(&mut rng, 16, mix, mix);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        write(format!("mail/{f:03}.jsonl.gz"), &gz.finish().unwrap());
    }
    // One large file each of zstd (content size in the frame header), gzip and plain JSONL,
    // drifting along their length: the compressed ones are sampled inside their streams.
    let drift = |rng: &mut ChaCha8Rng| {
        let (from, to) = (random_mix(rng), random_mix(rng));
        jsonl(rng, 4000, from, to)
    };
    let data = drift(&mut rng);
    write(
        "stream-zst/all.jsonl.zst".into(),
        &zstd::bulk::compress(&data, 3).unwrap(),
    );
    let data = drift(&mut rng);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&data).unwrap();
    write("stream-gz/all.jsonl.gz".into(), &gz.finish().unwrap());
    write("plain-big/all.jsonl".into(), &drift(&mut rng));
    let manifest: String = SOURCES
        .iter()
        .map(|n| {
            format!("[[source]]\nname = \"{n}\"\ncategory = \"public\"\npaths = [\"{n}\"]\n\n")
        })
        .collect();
    write("sources.toml".into(), manifest.as_bytes());
}

/// A configuration counting the generated corpus (its manifest) on two threads.
fn corpus_config(root: &Path) -> CountConfig {
    let mut count = CountConfig::new(Vec::new());
    count.manifest = Some(root.join("sources.toml"));
    count.threads = 2;
    count
}

fn covers(e: &Estimate, tokens: u64, documents: u64) -> (bool, bool) {
    (
        e.low <= tokens && tokens <= e.high,
        e.documents_low <= documents && documents <= e.documents_high,
    )
}

#[test]
fn intervals_cover_exact_counts_and_five_percent_is_within_five_percent() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let names = SOURCES;
    let count = corpus_config(dir.path());
    let prepared = count.load_tokenizer().unwrap();
    let exact: Report = tokencensus::count_with(&count, &prepared).unwrap().report;
    assert!(exact.errors.is_empty());
    let population = Population::discover(&count).unwrap();
    let config = EstimateConfig {
        count: count.clone(),
        sample: SampleSize::Fraction(0.05),
        seed: 0,
        confidence: 0.95,
    };
    let seeds = 100u64;
    // Per source then the total: seeds whose interval covered tokens, documents.
    let mut covered = vec![(0u32, 0u32); names.len() + 1];
    let mut widest = 0.0f64;
    for seed in 0..seeds {
        let sample = population.draw(config.sample, seed);
        assert_eq!(sample.census_sources(), 0, "every source is sampled");
        let report = estimate_sample(&config, &population, &sample, &prepared)
            .unwrap()
            .report;
        let tallies = report
            .sources
            .iter()
            .map(|s| &s.tally)
            .chain([&report.totals.tally]);
        let truths = exact
            .sources
            .iter()
            .map(|s| &s.tally)
            .chain([&exact.totals.tally]);
        for (i, (tally, truth)) in tallies.zip(truths).enumerate() {
            let e = tally.estimate.as_ref().unwrap();
            assert_eq!(e.method, "stratified-ratio");
            let name = report.sources.get(i).map(|s| s.name.as_str());
            if name.is_some_and(|name| STREAMS.contains(&name)) {
                // Every document of a stream is read: documents and text bytes are exact.
                assert_eq!(e.size_sources[0].size_source, SizeSource::StreamRecords);
                let exact = (truth.counts.documents, truth.counts.documents);
                assert_eq!((e.documents_low, e.documents_high), exact, "{e:?}");
                assert_eq!(e.bytes, truth.counts.bytes);
                assert!(e.sampled_units < e.units / 10, "{e:?}");
            }
            let (t, d) = covers(e, truth.counts.tokens, truth.counts.documents);
            covered[i].0 += u32::from(t);
            covered[i].1 += u32::from(d);
        }
        let total = report.totals.tally.estimate.unwrap();
        let half_width = (total.high - total.low) as f64 / 2.0 / total.tokens as f64;
        widest = widest.max(half_width);
    }
    eprintln!("coverage per source and total (tokens, documents) of {seeds} seeds: {covered:?}");
    eprintln!("widest total interval: ±{:.2}%", 100.0 * widest);
    for (i, (tokens, documents)) in covered.iter().enumerate() {
        let name = names.get(i).unwrap_or(&"total");
        assert!(
            *tokens >= 90,
            "{name}: tokens covered in {tokens} of {seeds} seeds"
        );
        assert!(
            *documents >= 90,
            "{name}: documents covered in {documents} of {seeds} seeds"
        );
    }
    assert!(widest < 0.05, "total interval ±{:.2}%", 100.0 * widest);
}
