"""tokencensus.count, render and merge against the command line, and the exceptions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import tokencensus
from conftest import FIXTURES, REPO, cli_json, run_cli, without_run

MANIFEST = "fixtures/sample/sources.toml"


def test_count_equals_the_cli_json(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    ours = tokencensus.count(manifest=MANIFEST, threads=2)
    theirs = cli_json(cli, "count", "--manifest", MANIFEST, "--threads", "2")
    assert without_run(ours) == without_run(theirs)
    assert ours["run"]["threads"] == theirs["run"]["threads"] == 2
    assert ours["totals"]["documents"] == 507


def test_count_with_a_tokenizer_file_signals_and_paths_equals_the_cli(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    tokenizer = str(FIXTURES / "tokenizers" / "gpt4o.tokenizer.json.zst")
    paths = ["fixtures/signals", "fixtures/edge/edge.jsonl"]
    ours = tokencensus.count(paths, tokenizer=tokenizer, signals="dedup,pii")
    theirs = cli_json(cli, "count", *paths, "--tokenizer", tokenizer, "--signals", "dedup,pii")
    assert without_run(ours) == without_run(theirs)
    assert ours["tokenizer"]["name"] == "gpt4o"
    assert ours["settings"]["signals"] is not None


def test_a_list_of_tokenizers_is_the_repeated_cli_flag(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    files = [str(FIXTURES / "tokenizers" / f"{n}.tokenizer.json.zst") for n in ("gemma3", "qwen3")]
    tokenizers = [tokencensus.Tokenizer(files[0]), files[1]]
    ours = tokencensus.count(manifest=MANIFEST, tokenizer=tokenizers)
    flags = [arg for f in files for arg in ("--tokenizer", f)]
    theirs = cli_json(cli, "count", "--manifest", MANIFEST, *flags)
    assert without_run(ours) == without_run(theirs)
    assert [t["name"] for t in ours["tokenizers"]] == ["gemma3", "qwen3"]
    assert ours["totals"]["tokens_by_tokenizer"]["qwen3"]["tokens"] > 0


def test_bad_records_are_listed_not_raised(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    report = tokencensus.count("fixtures/bad")
    theirs = cli_json(cli, "count", "fixtures/bad")
    assert without_run(report) == without_run(theirs)
    errors = tokencensus.input_errors(report)
    assert errors and all(isinstance(e, tokencensus.InputError) for e in errors)
    table = run_cli(cli, "count", "fixtures/bad").stdout  # lists the first ten
    assert len(errors) > 10
    for error in errors[:10]:
        assert f"  {error}\n" in table


def test_render_equals_the_cli_report_in_every_format(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    report = tokencensus.count(manifest=MANIFEST)
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(report))
    for format in ["table", "json", "markdown", "eu-summary", "html", "croissant", "hf-card"]:
        done = run_cli(cli, "report", str(saved), "--format", format)
        assert done.returncode == 0, done.stderr
        ours = tokencensus.render(report, format)
        if format == "json":
            # A debug build of the binary may read a float of the saved report one unit in the
            # last place off (serde_json without float_roundtrip); compare JSON values.
            assert same_json(json.loads(ours), json.loads(done.stdout))
        else:
            assert ours == done.stdout, format
    assert tokencensus.render(json.dumps(report), "markdown") == tokencensus.render(report, "markdown")


def same_json(a, b) -> bool:
    """Equal JSON values, floats within a few units in the last place."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-14)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return a == b


def test_shards_merge_into_the_whole_count(monkeypatch):
    monkeypatch.chdir(REPO)
    whole = tokencensus.count(manifest=MANIFEST)
    parts = [tokencensus.count(manifest=MANIFEST, shard=(i, 3)) for i in range(3)]
    merged = tokencensus.merge(parts)
    for key in ["sources", "categories", "totals", "errors", "tokenizer"]:
        assert merged[key] == whole[key], key
    assert merged["run"]["merged_parts"] == 3
    with pytest.raises(tokencensus.MergeError, match="1 of the 3 shards is missing: shard 2"):
        tokencensus.merge(parts[:2])
    one = tokencensus.count(manifest=MANIFEST, shard="1/3")
    assert one["run"]["shard"]["index"] == 1


def test_merge_reads_saved_parts_and_says_which_is_bad(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    paths = []
    for i in range(2):
        path = tmp_path / f"part{i}.json"
        path.write_text(json.dumps(tokencensus.count(manifest=MANIFEST, shard=(i, 2))))
        paths.append(path)
    merged = tokencensus.merge(paths)
    assert merged["totals"]["documents"] == 507
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(tokencensus.MergeError, match="broken.json: not a tokencensus JSON report"):
        tokencensus.merge([paths[0], broken])
    with pytest.raises(tokencensus.IoError):
        tokencensus.merge([tmp_path / "absent.json"])
    with pytest.raises(tokencensus.IoError, match="not a regular file but a character device"):
        tokencensus.merge([paths[0], Path("/dev/zero")])


def test_max_document_bytes_is_the_cli_flag(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    (tmp_path / "long.txt").write_text("a" * 100)
    (tmp_path / "short.txt").write_text("a" * 10)
    ours = tokencensus.count(str(tmp_path), max_document_bytes=50)
    theirs = cli_json(cli, "count", str(tmp_path), "--max-document-bytes", "50")
    assert without_run(ours) == without_run(theirs)
    assert [e["kind"] for e in ours["errors"]] == ["too_large"]
    assert ours["totals"]["documents"] == 1
    assert tokencensus.count(str(tmp_path))["totals"]["documents"] == 2


def test_chat_field_and_template_are_the_cli_flags(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    records = "fixtures/chat/conversations.jsonl"
    template = "fixtures/tokenizers/llama3.tokenizer_config.json.zst"
    ours = tokencensus.count(records, chat_field="messages", chat_template=template)
    theirs = cli_json(cli, "count", records, "--chat-field", "messages", "--chat-template", template)
    assert without_run(ours) == without_run(theirs)
    chat = ours["totals"]["chat"]
    assert chat["conversations"] == ours["totals"]["documents"] > 0
    assert chat["rendered"] == chat["conversations"]
    assert ours["settings"]["chat_template"]["bos_token"] == "<|begin_of_text|>"


def test_fatal_errors_have_the_cli_kinds_and_messages(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    with pytest.raises(tokencensus.PathNotFoundError) as missing:
        tokencensus.count("no/such/dir")
    assert isinstance(missing.value, FileNotFoundError)
    assert missing.value.kind == "path_not_found"
    assert str(missing.value) in run_cli(cli, "count", "no/such/dir").stderr

    with pytest.raises(tokencensus.UsageError) as nothing:
        tokencensus.count()
    assert isinstance(nothing.value, ValueError)
    assert "nothing to count" in str(nothing.value)

    with pytest.raises(tokencensus.UsageError, match="toxicity"):
        tokencensus.count("fixtures/edge", signals=["toxicity"])
    with pytest.raises(ValueError, match="shard"):
        tokencensus.count("fixtures/edge", shard="3/3")
    with pytest.raises(ValueError, match="unknown format"):
        tokencensus.render({}, "pdf")
    with pytest.raises(ValueError, match="not a tokencensus JSON report"):
        tokencensus.render({"schema_version": 1}, "table")

    bad = FIXTURES / "sample" / "linux-doc.jsonl"
    with pytest.raises(tokencensus.TokenizerError) as tokenizer:
        tokencensus.Tokenizer(bad)
    assert tokenizer.value.kind == "tokenizer"
    done = run_cli(cli, "count", "fixtures/edge", "--tokenizer", str(bad))
    assert done.returncode == 2
    assert str(tokenizer.value) in done.stderr

    with pytest.raises(tokencensus.TokenizerError) as absent:
        tokencensus.Tokenizer(REPO / "no-such-tokenizer.json")
    done = run_cli(cli, "count", "fixtures/edge", "--tokenizer", str(REPO / "no-such-tokenizer.json"))
    assert str(absent.value) in done.stderr

    with pytest.raises(tokencensus.ManifestError):
        tokencensus.count(manifest=FIXTURES / "sample" / "linux-doc.jsonl")
    assert issubclass(tokencensus.FatalError, tokencensus.Error)
    assert issubclass(tokencensus.InputError, tokencensus.Error)


def test_a_checkpoint_folder_resumes_and_progress_is_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    first = tokencensus.count(manifest=MANIFEST, checkpoint=tmp_path / "ckpt", progress=True)
    again = tokencensus.count(manifest=MANIFEST, checkpoint=tmp_path / "ckpt")
    assert first["run"]["resumed_files"] == 0
    assert again["run"]["resumed_files"] > 0
    for key in ["sources", "categories", "totals"]:
        assert again[key] == first[key], key
