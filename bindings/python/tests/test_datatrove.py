"""tokencensus.datatrove.TokenCensus in a datatrove pipeline of two ranks: documents pass
through, each rank writes a partial report, and the ranks merge into the command line's count."""

from __future__ import annotations

import json
import shutil

import pytest
import tokencensus
from conftest import FIXTURES, cli_json, require, without_file_sets

require("datatrove")
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402


def test_two_ranks_merge_into_the_cli_count(tmp_path, cli):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "provenance" / "records.jsonl", data / "a.jsonl")
    shutil.copy(FIXTURES / "sample" / "linux-doc.jsonl", data / "b.jsonl")
    census = tmp_path / "census"
    passed = tmp_path / "passed"
    from tokencensus.datatrove import TokenCensus

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(data), default_metadata={"source": str(data)}),
            TokenCensus(str(census), batch_size=7),
            JsonlWriter(str(passed), compression=None),
        ],
        tasks=2,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()

    ranks = sorted(census.glob("*.json"))
    assert [p.name for p in ranks] == ["00000.json", "00001.json"]
    first = json.loads(ranks[0].read_text())
    assert first["run"]["shard"]["count"] == 2 and first["run"]["from_memory"] is True
    merged = tokencensus.merge(ranks)
    theirs = cli_json(cli, "count", str(data), "--date-field", "date", "--url-field", "url")

    # A pipeline step sees documents, not files: files, bytes read and the list of files
    # (file_set) are the command line's.
    merged, theirs = without_file_sets(merged), without_file_sets(theirs)
    for report in (merged, theirs):
        for tally in report["sources"] + report["categories"] + [report["totals"]]:
            tally["files"] = tally["input_bytes"] = 0
    for key in ["sources", "categories", "totals", "errors", "tokenizer"]:
        assert merged[key] == theirs[key], key
    assert merged["run"]["merged_parts"] == 2

    documents = sum(1 for path in passed.glob("*.jsonl") for _ in path.open())
    assert documents == merged["totals"]["documents"] == 88

    with pytest.raises(tokencensus.MergeError, match="1 of the 2 shards is missing: shard 1"):
        tokencensus.merge(ranks[:1])
