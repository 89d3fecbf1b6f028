//! The census entry points agree with each other.

use super::*;
use crate::count::TokenizerSource;
use std::path::PathBuf;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// Two tokenizers over the sample's kernel documentation: the embedded Llama 3 and MiniLM.
fn two_tokenizer_config() -> CountConfig {
    let mut config = CountConfig::new(vec![fixture("sample/linux-doc.jsonl")]);
    config.more_tokenizers = vec![TokenizerSource::File(fixture(
        "tokenizers/minilm.tokenizer.json.zst",
    ))];
    config.progress = false;
    config
}

/// The report without its timing (`run` differs from one run to the next).
fn figures(census: &Census) -> serde_json::Value {
    let mut value = serde_json::to_value(&census.report).unwrap();
    value.as_object_mut().unwrap().remove("run");
    value
}

#[test]
fn tokenizers_loaded_beforehand_count_what_count_loads_itself() {
    let config = two_tokenizer_config();
    let primary = config.load_tokenizer().unwrap();
    let more = config.load_more_tokenizers().unwrap();
    let loaded = count_with_tokenizers(&config, &[&primary, &more[0]]).unwrap();
    let itself = count(&config).unwrap();
    assert_eq!(figures(&loaded), figures(&itself));
    let totals = &loaded.report.totals.tally;
    assert_eq!(totals.tokens_by_tokenizer.len(), 2);
    let minilm = &loaded.report.tokenizer_names()[1];
    assert!(totals.tokens_by_tokenizer[minilm].tokens > 0);
    assert_ne!(
        totals.tokens_by_tokenizer[minilm].tokens,
        totals.counts.tokens
    );
}

#[test]
fn a_loaded_list_of_another_length_than_the_configuration_is_refused() {
    let config = two_tokenizer_config();
    let refused =
        count_with_tokenizers(&config, &[crate::count::test_support::llama3()]).unwrap_err();
    assert!(matches!(refused, FatalError::Usage(_)), "{refused}");
    assert!(
        refused
            .to_string()
            .contains("names 2 tokenizer(s), 1 were given")
    );
}
