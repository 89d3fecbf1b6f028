//! `tokencensus verify`: the fast route agrees with the tokenizers crate on the sample corpus.

use crate::common::*;

#[test]
fn verify_agrees_on_the_sample_for_every_fast_tokenizer() {
    for tokenizer in TOKENIZERS {
        let r = run(&[
            "verify",
            "--tokenizer",
            &tokenizer_path(tokenizer),
            "--sample",
            "300",
            "fixtures/sample",
            "fixtures/edge/edge.jsonl",
        ]);
        assert_eq!(r.code, 0, "{tokenizer}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("all counts are identical"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("compared 300 of 525 documents"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn verify_explains_when_there_is_no_fast_route() {
    let dir = tempfile::tempdir().unwrap();
    let tokenizer = unrecognised_tokenizer(dir.path());
    let r = run(&[
        "verify",
        "--tokenizer",
        &tokenizer,
        "fixtures/edge/edge.jsonl",
    ]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("no fast route") && r.stdout.contains("no fast scanner"),
        "{}",
        r.stdout
    );
    let r = run(&["verify", "no/such/path"]);
    assert_eq!(r.code, 2);
}
