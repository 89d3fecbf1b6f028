"""Shared fixtures: the repository's fixture files, their texts, the command line to compare
with (``TOKENCENSUS_BIN``, set by the Rust test that runs this suite), and each test's own
compiled-route cache folder."""

from __future__ import annotations

import gzip
import importlib
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

REPO = Path(__file__).resolve().parents[3]
# Set by .ci/run: a missing package or binary fails the tests instead of skipping them.
REQUIRED = os.environ.get("TOKENCENSUS_REQUIRE_PYTHON") == "1"
FIXTURES = REPO / "fixtures"
TOKENIZERS = ["llama3", "gpt4o", "qwen3", "gemma3", "minilm"]


def open_text(path: Path) -> io.TextIOBase:
    """A fixture file as text, decompressing .gz and .zst."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8")
    if path.suffix == ".zst":
        import zstandard

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(path.open("rb")), encoding="utf-8")
    return path.open(encoding="utf-8")


def jsonl_records(path: Path) -> List[Dict[str, Any]]:
    with open_text(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def tokenizer_json(name: str) -> str:
    """The uncompressed tokenizer.json of a fixture tokenizer."""
    import zstandard

    raw = (FIXTURES / "tokenizers" / f"{name}.tokenizer.json.zst").read_bytes()
    return zstandard.ZstdDecompressor().decompressobj().decompress(raw).decode("utf-8")


@pytest.fixture(autouse=True)
def own_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test's own compiled-route cache (``XDG_CACHE_HOME``, inherited by the command line
    it runs): no test reads another's entries, and none writes the user's cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))


@pytest.fixture(scope="session")
def sample_texts() -> List[str]:
    """Every text of the sample corpus and the edge cases."""
    texts: List[str] = []
    for name in ["linux-doc.jsonl", "man.jsonl.zst", "fortunes.jsonl.gz"]:
        texts += [r["text"] for r in jsonl_records(FIXTURES / "sample" / name)]
    for doc in sorted((FIXTURES / "sample" / "docs").iterdir()):
        texts.append(doc.read_text(encoding="utf-8"))
    texts += [r["text"] for r in jsonl_records(FIXTURES / "edge" / "edge.jsonl")]
    return texts


@pytest.fixture(scope="session")
def cli() -> Path:
    """The tokencensus binary built from this checkout."""
    given = os.environ.get("TOKENCENSUS_BIN")
    candidates = [Path(given)] if given else []
    candidates += [REPO / "target" / "release" / "tokencensus", REPO / "target" / "debug" / "tokencensus"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    reason = "no tokencensus binary: set TOKENCENSUS_BIN or run cargo build"
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


def require(module: str) -> Any:
    """`module`, imported; a missing one skips the test, or fails it when required."""
    if REQUIRED:
        return importlib.import_module(module)
    return pytest.importorskip(module)


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def cli_json(cli: Path, *args: str) -> Dict[str, Any]:
    done = run_cli(cli, *args, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def without_run(report: Dict[str, Any]) -> Dict[str, Any]:
    """A report without ``run`` (wall time, threads, merged parts), which differs between equal
    counts, and without the ``integrity`` digest, which covers ``run``'s ``shard`` and
    ``merged_parts``."""
    return {k: v for k, v in report.items() if k not in ("run", "integrity")}


def without_file_sets(report: Dict[str, Any]) -> Dict[str, Any]:
    """A report whose sources do not list their files (``file_set``): a report fed from memory
    (a ``Tally``, the datatrove step, the Ray example) has no files to list, so it is compared
    with a count of the same texts without them. Counts are compared with counts whole."""
    copy = dict(report)
    copy["sources"] = [{k: v for k, v in s.items() if k != "file_set"} for s in report["sources"]]
    return copy
