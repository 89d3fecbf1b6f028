//! The compiled-route cache: a freshly compiled and a cached route count what the reference route
//! counts on the fixtures for every fast BPE tokenizer, a damaged or truncated entry is rebuilt (never trusted), a cache
//! folder that cannot be written costs one warning, not a count, and a file the `tokenizers`
//! crate refuses is refused with or without a cache (and never cached).

use crate::common::fixture_tokenizers::reference_counter;
use crate::common::*;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tokencensus::count::{
    CompiledCache, Counter, LoadedTokenizer, RouteChoice, TokenizerSource, choose_route,
    load_tokenizer_with_cache,
};

/// The tokenizers served by the fast BPE routes, whose compiled form is cached.
const FAST_BPE: [&str; 4] = ["llama3", "gpt4o", "qwen3", "gemma3"];

/// The texts of the sample kernel documentation and the edge-case fixture.
fn fixture_texts() -> Vec<String> {
    [
        "fixtures/sample/linux-doc.jsonl",
        "fixtures/edge/edge.jsonl",
    ]
    .iter()
    .flat_map(|file| {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let record: serde_json::Value = serde_json::from_str(l).unwrap();
                record["text"].as_str().unwrap().to_string()
            })
            .collect::<Vec<_>>()
    })
    .collect()
}

fn source(name: &str) -> TokenizerSource {
    TokenizerSource::File(root().join(tokenizer_path(name)))
}

fn load(name: &str, special: bool, cache: Option<&CompiledCache>) -> LoadedTokenizer {
    load_tokenizer_with_cache(&source(name), special, cache.cloned()).unwrap()
}

/// The counts of `texts` on the route chosen for `loaded`, and that route's warning.
fn counts(loaded: LoadedTokenizer, special: bool, texts: &[String]) -> (Vec<u64>, Option<String>) {
    let route = choose_route(loaded, special, RouteChoice::Auto).unwrap();
    assert!(route.fallback_reason.is_none(), "a fast route counts");
    let counter: &dyn Counter = route.counter.as_ref();
    let counts = texts.iter().map(|t| counter.count(t).unwrap()).collect();
    (counts, route.warning)
}

#[test]
fn cached_and_uncached_routes_count_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let cache = CompiledCache::at(dir.path());
    let texts = fixture_texts();
    for name in FAST_BPE {
        for special in [false, true] {
            // The reference route's counts, from the suite's one parse of the tokenizer.
            let reference = reference_counter(name, special);
            let want: Vec<u64> = texts.iter().map(|t| reference.count(t).unwrap()).collect();
            // The first load with the cache compiles (as a load without a cache does) and
            // stores (plain counting comes first).
            let first = load(name, special, Some(&cache));
            assert_eq!(first.is_cached(), special, "{name}");
            let info = first.info.clone();
            let (got, warning) = counts(first, special, &texts);
            assert_eq!(warning, None);
            assert_eq!(got, want, "{name} special={special}, first load");
            let cached = load(name, special, Some(&cache));
            assert!(cached.is_cached(), "{name}: the entry was stored");
            assert_eq!(
                cached.info, info,
                "{name}: the description comes from the entry"
            );
            let (got, _) = counts(cached, special, &texts);
            assert_eq!(got, want, "{name} special={special}, from the cache");
        }
    }
}

#[test]
fn a_damaged_or_truncated_entry_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let cache = CompiledCache::at(dir.path());
    let texts = fixture_texts();
    let (want, _) = counts(load("gpt4o", false, Some(&cache)), false, &texts);
    let loaded = load("gpt4o", false, Some(&cache));
    assert!(loaded.is_cached());
    let entry = cache.entry_path(&loaded.info.sha256);
    let whole = std::fs::read(&entry).unwrap();
    let flipped = |at: usize| {
        let mut bytes = whole.clone();
        bytes[at] ^= 0x01;
        bytes
    };
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("cut in half", whole[..whole.len() / 2].to_vec()),
        ("one byte short", whole[..whole.len() - 1].to_vec()),
        ("one byte more", [whole.as_slice(), &[0]].concat()),
        ("a header byte changed", flipped(12)),
        ("a payload byte changed", flipped(whole.len() - 5)),
        ("garbage", b"not a compiled route".to_vec()),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&entry, &bytes).unwrap();
        let loaded = load("gpt4o", false, Some(&cache));
        assert!(!loaded.is_cached(), "{what}: the entry must not be trusted");
        let (got, warning) = counts(loaded, false, &texts);
        assert_eq!(warning, None);
        assert_eq!(got, want, "{what}");
        assert_eq!(std::fs::read(&entry).unwrap(), whole, "{what}: rebuilt");
    }
}

#[test]
fn an_unwritable_cache_costs_a_warning_not_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let cache = CompiledCache::at(blocker.join("tokencensus"));
    let texts = fixture_texts();
    let (want, _) = counts(load("qwen3", false, None), false, &texts);
    let (got, warning) = counts(load("qwen3", false, Some(&cache)), false, &texts);
    assert_eq!(got, want);
    let warning = warning.expect("a warning");
    assert!(
        warning.contains("cannot write the compiled tokenizer cache"),
        "{warning}"
    );

    // The command line prints it once, and the report is the one a writable cache gives.
    let count = |cache_home: &Path| {
        let out = binary()
            .args([
                "count",
                "--format",
                "json",
                "fixtures/sample/linux-doc.jsonl",
            ])
            .args(["--tokenizer", &tokenizer_path("qwen3")])
            .env("XDG_CACHE_HOME", cache_home)
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (census_only(report), String::from_utf8(out.stderr).unwrap())
    };
    let (unwritable, stderr) = count(&blocker);
    assert_eq!(
        stderr
            .matches("cannot write the compiled tokenizer cache")
            .count(),
        1,
        "{stderr}"
    );
    let writable = dir.path().join("cache");
    let (first, stderr) = count(&writable);
    assert!(stderr.is_empty(), "{stderr}");
    let (second, _) = count(&writable);
    assert_eq!(first, unwritable);
    assert_eq!(second, unwritable);
}

/// A GPT-4o `tokenizer.json` whose decoder the `tokenizers` crate does not know: JSON that the
/// fast BPE route could read (it never decodes), but a file the crate, the exactness reference,
/// refuses. Written into `dir`; its path and the crate's reason returned.
fn refused_tokenizer(dir: &Path) -> (PathBuf, String) {
    let mut json: serde_json::Value = serde_json::from_str(&tokenizer_json("gpt4o")).unwrap();
    json["decoder"] = serde_json::json!({"type": "NoSuchDecoder"});
    let text = json.to_string();
    let path = dir.join("refused.tokenizer.json");
    std::fs::write(&path, &text).unwrap();
    let why = tokenizers::Tokenizer::from_str(&text).expect_err("the crate refuses it");
    (path, why.to_string())
}

#[test]
fn a_file_the_crate_refuses_is_refused_with_or_without_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (path, why) = refused_tokenizer(dir.path());
    let want = tokencensus::FatalError::Tokenizer {
        path: path.display().to_string(),
        message: why,
    }
    .to_string();
    let cache = CompiledCache::at(dir.path().join("cache"));
    let source = TokenizerSource::File(path.clone());
    for (what, cache) in [("without a cache", None), ("with a cache", Some(&cache))] {
        for attempt in ["first", "second"] {
            let refused = load_tokenizer_with_cache(&source, false, cache.cloned()).err();
            let said = refused.map(|e| e.to_string());
            assert_eq!(said.as_deref(), Some(want.as_str()), "{what}, {attempt}");
        }
    }
    assert!(!cache.dir().exists(), "nothing was cached");

    // The command line: the same error and exit status on every run, and nothing cached.
    let cache_home = dir.path().join("cache-home");
    for attempt in ["first", "second"] {
        let out = binary()
            .env("XDG_CACHE_HOME", &cache_home)
            .args(["count", "--format", "json", "--tokenizer"])
            .arg(&path)
            .arg("fixtures/sample/linux-doc.jsonl")
            .current_dir(root())
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{attempt}: {stderr}");
        assert_eq!(stderr, format!("tokencensus: error: {want}\n"), "{attempt}");
    }
    assert!(!cache_home.join("tokencensus").exists());
}
