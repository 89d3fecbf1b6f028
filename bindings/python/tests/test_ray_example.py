"""examples/ray/count_with_ray.py on a local Ray (two CPUs) over the sample corpus equals the
command line's count of it."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import require, REPO, cli_json, without_file_sets

ray = require("ray")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def load_example():
    spec = importlib.util.spec_from_file_location("count_with_ray", REPO / "examples" / "ray" / "count_with_ray.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    # The workers cannot import the example: its functions travel by value.
    ray.cloudpickle.register_pickle_by_value(module)
    return module


def test_the_ray_example_equals_the_cli_on_the_sample_corpus(local_ray, cli, monkeypatch):
    monkeypatch.chdir(REPO)
    example = load_example()
    sample = REPO / "fixtures" / "sample"
    sources = [
        example.Source(
            "kernel-docs",
            "public",
            [str(sample / "linux-doc.jsonl")] + sorted(str(p) for p in (sample / "docs").iterdir()),
        ),
        example.Source("man-pages", "licensed", [str(sample / "man.jsonl.zst")]),
        example.Source("fortunes", "public", [str(sample / "fortunes.jsonl.gz")]),
    ]
    ours = example.census(sources, batch_size=64)
    theirs = cli_json(cli, "count", "--manifest", "fixtures/sample/sources.toml")
    # Texts fed from memory come from no listed files: the command line's file_set is its own.
    theirs = without_file_sets(theirs)
    by_name = lambda report: {s["name"]: s for s in report["sources"]}  # noqa: E731
    assert by_name(ours) == by_name(theirs)
    for key in ["categories", "totals", "errors", "tokenizer"]:
        assert ours[key] == theirs[key], key
    assert ours["totals"]["documents"] == 507
