"""Tokenizer.count and count_batch against the reference Python ``tokenizers`` 0.23.3."""

from __future__ import annotations

import pickle
import threading
import time

import pytest
import tokencensus
from conftest import require, FIXTURES, TOKENIZERS, tokenizer_json

tokenizers = require("tokenizers")


def test_the_reference_is_the_pinned_version():
    assert tokenizers.__version__ == "0.23.3"


@pytest.mark.parametrize("name", TOKENIZERS)
@pytest.mark.parametrize("special", [False, True])
def test_counts_equal_the_reference_on_every_fixture_text(name, special, sample_texts):
    reference = tokenizers.Tokenizer.from_str(tokenizer_json(name))
    reference.no_truncation()  # a census counts every token (MiniLM's file truncates at 128)
    reference.no_padding()
    expected = [len(e.ids) for e in reference.encode_batch(sample_texts, add_special_tokens=special)]
    ours = tokencensus.Tokenizer(FIXTURES / "tokenizers" / f"{name}.tokenizer.json.zst", special_tokens=special)
    assert ours.count_batch(sample_texts) == expected
    assert [ours.count(t) for t in sample_texts[:50]] == expected[:50]
    assert ours.special_tokens is special


def test_the_default_is_the_embedded_llama3():
    embedded = tokencensus.Tokenizer()
    from_file = tokencensus.Tokenizer(FIXTURES / "tokenizers" / "llama3.tokenizer.json.zst")
    assert embedded.name == "llama3"
    assert embedded.sha256 == from_file.sha256
    assert len(embedded.sha256) == 64
    assert embedded.engine == from_file.engine
    assert embedded.path is None
    assert embedded.count("Training data, counted exactly.") == 6
    assert "llama3" in repr(embedded)


# The tokenizer a forked child counts with (inherited through fork, never pickled).
_FORKED = {}


def _count_in_forked_child(texts):
    return _FORKED["tok"].count_batch(texts, threads=2)


def test_a_forked_child_counts_on_threads_of_its_own(sample_texts):
    # The parent's kept worker threads do not exist in a child made by fork: the child must
    # start its own instead of waiting on them forever.
    import multiprocessing

    tok = tokencensus.Tokenizer()
    want = tok.count_batch(sample_texts, threads=2)
    _FORKED["tok"] = tok
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(_count_in_forked_child, (sample_texts,)).get(timeout=60)
    assert got == want


def test_count_batch_on_a_given_number_of_threads_counts_the_same(sample_texts):
    tok = tokencensus.Tokenizer()
    assert tok.count_batch(sample_texts, threads=1) == tok.count_batch(sample_texts)
    assert tok.count_batch([]) == []
    with pytest.raises(ValueError, match="threads must be at least 1"):
        tok.count_batch(["x"], threads=0)


def test_count_batch_releases_the_gil(sample_texts):
    """Another Python thread keeps running while a long batch counts."""
    tok = tokencensus.Tokenizer()
    texts = sample_texts * 50
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.perf_counter()
    tok.count_batch(texts)
    elapsed = time.perf_counter() - started
    stop.set()
    ticker.join()
    during = [t for t in ticks if started <= t <= started + elapsed]
    assert elapsed > 0.05, "the batch is too short to tell"
    assert len(during) >= 5, (len(during), elapsed)


def test_a_tokenizer_pickles_as_its_path():
    tok = tokencensus.Tokenizer(FIXTURES / "tokenizers" / "minilm.tokenizer.json.zst", special_tokens=True)
    back = pickle.loads(pickle.dumps(tok))
    assert (back.sha256, back.special_tokens, back.path) == (tok.sha256, True, tok.path)
    assert back.count("Hello, world!") == tok.count("Hello, world!")


def test_texts_must_be_strings():
    tok = tokencensus.Tokenizer()
    with pytest.raises(TypeError):
        tok.count(b"bytes")
    with pytest.raises(UnicodeEncodeError):
        tok.count("lone \ud800 surrogate")
