"""Take the census of a corpus on Ray Data with tokencensus tallies.

Each source's files are read with ``ray.data`` (JSONL, also .gz/.zst; Parquet; any other file as
one plain-text document), every batch is counted into a ``tokencensus.Tally`` on the workers,
the pickled tallies are merged exactly on the driver, and the report is rendered. The figures
equal those of ``tokencensus count`` over the same sources.

    python examples/ray/count_with_ray.py \
        --source kernel-docs:public:fixtures/sample/linux-doc.jsonl \
        --source man-pages:licensed:fixtures/sample/man.jsonl.zst \
        --format markdown
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import ray
import tokencensus


@dataclass
class Source:
    """One source: its name, category and files (a record's text is in ``text_field``)."""

    name: str
    category: str
    paths: List[str]
    text_field: str = "text"
    date_field: Optional[str] = None
    url_field: Optional[str] = None
    tokenizer: Optional[str] = field(default=None, repr=False)

    def tally(self) -> tokencensus.Tally:
        return tokencensus.Tally(
            self.tokenizer,
            source=self.name,
            category=self.category,
            text_field=self.text_field,
            date_field=self.date_field,
            url_field=self.url_field,
        )


def compression(path: str) -> Optional[str]:
    return {".gz": "gzip", ".zst": "zstd"}.get(os.path.splitext(path)[1])


def is_jsonl(path: str) -> bool:
    stem = path[: -len(os.path.splitext(path)[1])] if compression(path) else path
    return stem.endswith((".jsonl", ".json", ".ndjson"))


def jsonl_tallies(source: Source, paths: List[str], batch_size: int) -> "ray.data.Dataset":
    """JSONL lines, parsed and counted per batch; each batch yields one pickled tally."""

    def count(batch: Dict[str, Any]) -> Dict[str, List[bytes]]:
        tally = source.tally()
        texts, dates, urls = [], [], []
        for line in batch["text"]:
            record = json.loads(line)
            texts.append(record.get(source.text_field))
            dates.append(record.get(source.date_field) if source.date_field else None)
            urls.append(record.get(source.url_field) if source.url_field else None)
        tally.add_batch(texts, dates, urls)
        return {"tally": [pickle.dumps(tally)]}

    datasets = []
    for codec in sorted({compression(p) or "" for p in paths}):
        group = [p for p in paths if (compression(p) or "") == codec]
        args = {"compression": codec} if codec else {}
        datasets.append(ray.data.read_text(group, arrow_open_stream_args=args))
    dataset = datasets[0].union(*datasets[1:]) if len(datasets) > 1 else datasets[0]
    return dataset.map_batches(count, batch_size=batch_size, batch_format="numpy")


def parquet_tallies(source: Source, paths: List[str], batch_size: int) -> "ray.data.Dataset":
    def count(batch: Dict[str, Any]) -> Dict[str, List[bytes]]:
        tally = source.tally()
        texts = [t for t in batch[source.text_field].tolist() if t is not None]
        tally.add_batch(texts)
        return {"tally": [pickle.dumps(tally)]}

    dataset = ray.data.read_parquet(paths, columns=[source.text_field])
    return dataset.map_batches(count, batch_size=batch_size, batch_format="numpy")


def text_tallies(source: Source, paths: List[str], batch_size: int) -> "ray.data.Dataset":
    def count(batch: Dict[str, Any]) -> Dict[str, List[bytes]]:
        tally = source.tally()
        # As the command line reads a text file: UTF-8, a leading byte-order mark dropped.
        tally.add_batch([raw.decode("utf-8-sig") for raw in batch["bytes"]])
        return {"tally": [pickle.dumps(tally)]}

    dataset = ray.data.read_binary_files(paths)
    return dataset.map_batches(count, batch_size=batch_size, batch_format="numpy")


def census(sources: List[Source], batch_size: int = 256) -> Dict[str, Any]:
    """The report of ``sources``, counted on the running Ray cluster."""
    whole = tokencensus.Tally(sources[0].tokenizer if sources else None)
    for source in sources:
        kinds = {
            "jsonl": [p for p in source.paths if is_jsonl(p)],
            "parquet": [p for p in source.paths if p.endswith(".parquet")],
        }
        kinds["text"] = [p for p in source.paths if p not in kinds["jsonl"] + kinds["parquet"]]
        read = {"jsonl": jsonl_tallies, "parquet": parquet_tallies, "text": text_tallies}
        for kind, paths in kinds.items():
            if not paths:
                continue
            for row in read[kind](source, paths, batch_size).iter_rows():
                whole.merge(pickle.loads(row["tally"]))
        # Files are known here, not on the workers: the command line counts them too.
        files = source.tally()
        files.add_files(len(source.paths), sum(os.path.getsize(p) for p in source.paths))
        whole.merge(files)
    return whole.to_report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", action="append", required=True, metavar="NAME:CATEGORY:PATH[,PATH...]")
    parser.add_argument("--tokenizer", help="a tokenizer.json (default: the embedded Llama 3)")
    parser.add_argument("--format", default="table", help="table, json, markdown, eu-summary or html")
    parser.add_argument("--num-cpus", type=int, default=None)
    args = parser.parse_args()
    sources = []
    for given in args.source:
        name, category, paths = given.split(":", 2)
        sources.append(Source(name, category, paths.split(","), tokenizer=args.tokenizer))
    ray.init(num_cpus=args.num_cpus, include_dashboard=False)
    print(tokencensus.render(census(sources), args.format), end="")


if __name__ == "__main__":
    main()
