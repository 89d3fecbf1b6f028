"""Tally: a partial census fed from memory, merged in any grouping and order, pickled, and equal
to the command line's count of the same records."""

from __future__ import annotations

import datetime
import pickle
from typing import Any, Dict, List, Tuple

import pytest
import tokencensus
from conftest import FIXTURES, REPO, cli_json, jsonl_records, without_file_sets, without_run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

Record = Tuple[str, str, Dict[str, Any]]


def fixture_records() -> List[Record]:
    """(source, category, record) for the sample corpus's JSONL and the provenance fixture."""
    records: List[Record] = []
    for source, category, name in [
        ("kernel-docs", "public", "sample/linux-doc.jsonl"),
        ("fortunes", "public", "sample/fortunes.jsonl.gz"),
        ("man-pages", "licensed", "sample/man.jsonl.zst"),
        ("provenance", "crawled", "provenance/records.jsonl"),
    ]:
        records += [(source, category, r) for r in jsonl_records(FIXTURES / name)]
    return records


RECORDS = fixture_records()
TOKENIZER = tokencensus.Tokenizer()


def tally_of(records: List[Record]) -> tokencensus.Tally:
    """One tally fed `records`, each source through its own tally merged in."""
    whole = tokencensus.Tally(TOKENIZER)
    by_source: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for source, category, record in records:
        by_source.setdefault((source, category), []).append(record)
    for (source, category), group in by_source.items():
        one = tokencensus.Tally(TOKENIZER, source=source, category=category, date_field="date", url_field="url")
        one.add_batch([r["text"] for r in group], [r.get("date") for r in group], [r.get("url") for r in group])
        whole.merge(one)
    return whole


EXPECTED = without_run(tally_of(RECORDS).to_report())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.integers(min_value=1, max_value=7),
    assignment=st.lists(st.integers(min_value=0, max_value=6), min_size=len(RECORDS), max_size=len(RECORDS)),
    order=st.randoms(use_true_random=False),
    pickled=st.booleans(),
)
def test_tallies_merged_in_any_grouping_and_order_equal_one_fed_everything(parts, assignment, order, pickled):
    split: List[List[Record]] = [[] for _ in range(parts)]
    for record, part in zip(RECORDS, assignment):
        split[part % parts].append(record)
    tallies = [tally_of(records) for records in split]
    if pickled:
        tallies = [pickle.loads(pickle.dumps(t)) for t in tallies]
    order.shuffle(tallies)
    while len(tallies) > 1:
        last = tallies.pop()
        tallies[order.randrange(len(tallies))].merge(last)
    assert without_run(tallies[0].to_report()) == EXPECTED


def test_a_tally_equals_the_cli_count_of_the_same_file(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    path = "fixtures/provenance/records.jsonl"
    theirs = cli_json(cli, "count", path, "--date-field", "date", "--url-field", "url")
    source = theirs["sources"][0]
    tally = tokencensus.Tally(source=source["name"], category=source["category"], date_field="date", url_field="url")
    for record in jsonl_records(REPO / path):
        tally.add(record["text"], date=record.get("date"), url=record.get("url"))
    tally.add_files(1, (REPO / path).stat().st_size)
    ours, theirs = tally.to_report(), without_file_sets(theirs)
    for key in ["sources", "categories", "totals", "errors", "tokenizer"]:
        assert ours[key] == theirs[key], key
    assert ours["run"]["from_memory"] is True


def test_dates_may_be_text_seconds_or_datetimes():
    tally = tokencensus.Tally(source="web", category="crawled")
    tally.add("a", date="2023-05-01")
    tally.add("b", date=1_683_000_000)
    tally.add("c", date=datetime.date(2023, 5, 2))
    tally.add("d", date=datetime.datetime(2023, 5, 3, tzinfo=datetime.timezone.utc))
    tally.add("e", date="not a date")
    source = tally.to_report()["sources"][0]
    assert source["by_month"]["2023-05"]["documents"] == 4
    assert source["undated"]["documents"] == 1


def test_a_pickled_tally_counts_on_after_loading_its_tokenizer_again():
    path = FIXTURES / "tokenizers" / "minilm.tokenizer.json.zst"
    tally = tokencensus.Tally(path, source="bert", category="public")
    tally.add("Hello, world!")
    back = pickle.loads(pickle.dumps(tally))
    assert back.add("Hello again") == tokencensus.Tokenizer(path).count("Hello again")
    assert back.to_report()["sources"][0]["documents"] == 2
    assert back.to_report()["tokenizer"]["name"] == "minilm"


def test_bad_records_are_listed_in_the_report_not_raised():
    tally = tokencensus.Tally(source="web")
    assert tally.add("fine") == 1
    assert tally.add("lone \ud800 surrogate") is None
    assert tally.add_batch(["ok", None, 3]) == [1, None, None]
    errors = tokencensus.input_errors(tally.to_report())
    assert [e.kind for e in errors] == ["field_type", "field_type", "invalid_unicode"]
    assert all(e.path == "web" for e in errors)
    report = tally.to_report()
    assert report["totals"]["errors"] == 3
    assert report["totals"]["documents"] == 2


def test_tallies_and_their_reports_refuse_what_does_not_merge(tmp_path):
    llama = tokencensus.Tally(source="web")
    llama.add("x")
    minilm = tokencensus.Tally(FIXTURES / "tokenizers" / "minilm.tokenizer.json.zst", source="web")
    with pytest.raises(tokencensus.MergeError, match="different tokenizers"):
        llama.merge(minilm)
    public = tokencensus.Tally(source="web", category="public")
    public.add("y")
    with pytest.raises(ValueError, match="declared twice"):
        llama.merge(public)
    with pytest.raises(ValueError, match="a tally cannot merge itself"):
        llama.merge(llama)
    with pytest.raises(ValueError, match="unknown category"):
        tokencensus.Tally(category="web")
    with pytest.raises(ValueError, match="urls has 1 values for 2 texts"):
        llama.add_batch(["a", "b"], urls=["u"])
    merged = tokencensus.merge([llama.to_report(), public.to_report(), minilm.to_report()][:1])
    assert merged["sources"][0]["documents"] == 1
    with pytest.raises(tokencensus.MergeError):
        tokencensus.merge([llama.to_report(), tokencensus.count(FIXTURES / "edge")])


def test_from_report_reads_the_serialised_form():
    tally = tally_of(RECORDS[:40])
    back = tokencensus.Tally.from_report(tally.to_report())
    assert without_run(back.to_report()) == without_run(tally.to_report())
    assert "sources=" in repr(back)


def test_reports_are_sealed_and_an_altered_one_is_refused() -> None:
    report = tally_of(RECORDS).to_report()
    assert report["integrity"]["method"] == "sha256-canonical-json-v1"
    assert len(report["integrity"]["sha256"]) == 64
    report["totals"]["tokens"] += 1
    with pytest.raises(tokencensus.UsageError, match="altered"):
        tokencensus.render(report, "table")
    with pytest.raises(tokencensus.UsageError, match="altered"):
        tokencensus.merge([report])
    del report["integrity"]
    with pytest.raises(tokencensus.MergeError, match="no integrity digest"):
        tokencensus.merge([report])
    with pytest.warns(UserWarning, match="no integrity digest"):
        tokencensus.render(report, "table")
