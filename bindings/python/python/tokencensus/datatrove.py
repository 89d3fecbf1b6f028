"""A datatrove pipeline step that takes the census of the documents passing through.

``TokenCensus`` passes every document on unchanged and tallies it under a source read from a
metadata field (and a category, a date and a URL from others). At the end of its rank it
writes one partial report, ``{rank:05d}.json``, into ``output_folder``; the ranks merge
exactly with ``tokencensus merge OUTPUT/*.json`` or ``tokencensus.merge(paths)``, which also
checks that every rank is there once::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from tokencensus.datatrove import TokenCensus

    LocalPipelineExecutor(pipeline=[
        JsonlReader("data/"),
        TokenCensus("census/", source_field="source", category="public"),
    ], tasks=4).run()
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Dict, List, Optional, Tuple, Union

from datatrove.data import DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep

from . import Tally, Tokenizer

__all__ = ["TokenCensus"]


class TokenCensus(PipelineStep):
    """Tallies the documents passing through and writes one partial report per rank.

    - ``output_folder``: where ``{rank:05d}.json`` goes (any datatrove/fsspec folder).
    - ``tokenizer``: a ``tokenizer.json`` path, or ``None`` for the embedded Llama 3;
      ``special_tokens`` counts the post-processor's tokens too.
    - ``source_field``: the metadata field naming each document's source
      (``default_source`` when a document lacks it).
    - ``category``: the category of every source, or ``category_field``: a metadata field
      holding it (``public``, ``crawled``, ``licensed``, ``products``, ``interactions``,
      ``synthetic`` or ``other``).
    - ``date_field``, ``url_field``: metadata fields with each document's collection date
      (ISO 8601 text or Unix seconds) and URL; ``None`` to ignore.
    - ``batch_size``: documents of one source counted together (without the GIL).
    """

    name = "🔢 TokenCensus"
    type = "📊 - STATS"

    def __init__(
        self,
        output_folder: DataFolderLike,
        tokenizer: Union[str, "os.PathLike[str]", None] = None,
        special_tokens: bool = False,
        source_field: str = "source",
        default_source: str = "default",
        category: str = "other",
        category_field: Optional[str] = None,
        date_field: Optional[str] = "date",
        url_field: Optional[str] = "url",
        batch_size: int = 1000,
    ) -> None:
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.tokenizer_path = None if tokenizer is None else os.fspath(tokenizer)
        self.special_tokens = special_tokens
        self.source_field = source_field
        self.default_source = default_source
        self.category = category
        self.category_field = category_field
        self.date_field = date_field
        self.url_field = url_field
        self.batch_size = max(1, batch_size)

    def _fingerprint(self, tokenizer: Tokenizer) -> str:
        """What every rank of one census shares: the tokenizer and the fields read."""
        settings = {
            "tokenizer": tokenizer.sha256,
            "special_tokens": self.special_tokens,
            "fields": [self.source_field, self.category_field, self.date_field, self.url_field],
            "category": self.category,
            "default_source": self.default_source,
        }
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        tokenizer = Tokenizer(self.tokenizer_path, special_tokens=self.special_tokens)
        tallies: Dict[Tuple[str, str], Tally] = {}
        pending: Dict[Tuple[str, str], Tuple[List[Any], List[Any], List[Any]]] = {}

        def flush(key: Tuple[str, str]) -> None:
            texts, dates, urls = pending.pop(key)
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = Tally(
                    tokenizer,
                    source=key[0],
                    category=key[1],
                    date_field=self.date_field,
                    url_field=self.url_field,
                )
            with self.track_time():
                counted = tally.add_batch(texts, dates, urls)
            self.stat_update("documents", value=len(texts))
            self.stat_update("tokens", value=sum(n or 0 for n in counted))

        for document in data:
            metadata = document.metadata or {}
            source = str(metadata.get(self.source_field) or self.default_source)
            category = self.category
            if self.category_field is not None:
                category = str(metadata.get(self.category_field) or self.category)
            key = (source, category)
            texts, dates, urls = pending.setdefault(key, ([], [], []))
            texts.append(document.text)
            dates.append(metadata.get(self.date_field) if self.date_field else None)
            url = metadata.get(self.url_field) if self.url_field else None
            urls.append(url if isinstance(url, str) else None)
            if len(texts) >= self.batch_size:
                flush(key)
            yield document
        for key in list(pending):
            flush(key)

        merged = Tally(tokenizer)
        for tally in tallies.values():
            merged.merge(tally)
        report = merged.to_report(
            shard={
                "index": rank,
                "count": world_size,
                "plan_sha256": self._fingerprint(tokenizer),
                "origin": f"datatrove rank {rank} of {world_size}",
            }
        )
        with self.output_folder.open(f"{rank:05d}.json", "wt") as out:
            json.dump(report, out, indent=2)
            out.write("\n")
