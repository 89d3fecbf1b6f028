"""Type stubs of the native part of tokencensus (``tokencensus._native``)."""

import os
import pathlib
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

_Path = Union[str, "os.PathLike[str]"]
Report = Dict[str, Any]

__version__: str

class Tokenizer:
    """A tokenizer ready to count: ``Tokenizer()`` is the embedded Llama 3, ``Tokenizer(path)``
    any Hugging Face ``tokenizer.json`` (also ``.json.zst`` or ``.json.gz``).
    ``special_tokens=True`` also counts the tokens its post-processor adds (BOS, CLS/SEP).
    Counts equal ``len(tokenizers.Tokenizer.encode(text, add_special_tokens=...).ids)``.
    Loaded tokenizers are kept per process; a Tokenizer pickles as its path."""

    def __init__(self, path: Optional[_Path] = None, special_tokens: bool = False) -> None: ...
    def count(self, text: str) -> int:
        """The exact number of tokens of ``text``."""
    def count_batch(self, texts: Sequence[str], threads: Optional[int] = None) -> List[int]:
        """The exact number of tokens of each text, in order; counted without the GIL on all
        cores, or on ``threads`` threads."""
    @property
    def name(self) -> str:
        """``llama3`` for the embedded tokenizer, else the file name without suffixes."""
    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the uncompressed ``tokenizer.json``."""
    @property
    def engine(self) -> str:
        """The counting route (``fast-bpe``, ``tokenizers-0.23``, ...)."""
    @property
    def special_tokens(self) -> bool:
        """Whether the post-processor's special tokens are counted."""
    @property
    def path(self) -> Optional["pathlib.Path"]:
        """The tokenizer file (absolute), or ``None`` for the embedded Llama 3."""

class Tally:
    """A partial census fed from memory. ``add`` texts (with an optional date and URL) under
    ``source`` and ``category``; ``merge`` other tallies in any grouping and order;
    ``to_report()`` gives the report ``count --format json`` writes for the same records.
    Tallies pickle as their report (Ray, multiprocessing). ``text_field``, ``date_field`` and
    ``url_field`` are the field names the report shows for the source."""

    def __init__(
        self,
        tokenizer: Union[Tokenizer, _Path, None] = None,
        source: str = "memory",
        category: str = "other",
        *,
        text_field: str = "text",
        date_field: Optional[str] = None,
        url_field: Optional[str] = None,
    ) -> None: ...
    def add(self, text: str, date: Any = None, url: Optional[str] = None) -> Optional[int]:
        """Counts one record; returns its tokens, or ``None`` when it could not be counted
        (its problem is then listed in the report's errors). ``date``: ISO 8601 text, Unix
        seconds, or a ``datetime``/``date``."""
    def add_batch(
        self,
        texts: Iterable[str],
        dates: Optional[Iterable[Any]] = None,
        urls: Optional[Iterable[Optional[str]]] = None,
    ) -> List[Optional[int]]:
        """Counts records in a batch, without the GIL and on all cores."""
    def add_files(self, files: int, input_bytes: int = 0) -> None:
        """Counts ``files`` files of ``input_bytes`` bytes as read for this tally's source."""
    def merge(self, other: "Tally") -> None:
        """Adds everything ``other`` counted (its sources too), in place."""
    def to_report(self, shard: Optional[Mapping[str, Any]] = None) -> Report:
        """The report of everything counted (sources sorted by name), sealed with its
        integrity digest. ``shard`` (``index``, ``count``, ``plan_sha256``, ``origin``) states
        that this tally is one part of a split, as a datatrove rank is."""
    @staticmethod
    def from_report(
        report: Union[Report, str],
        tokenizer: Union[Tokenizer, _Path, None] = None,
        source: str = "memory",
        category: str = "other",
    ) -> "Tally":
        """The tally a report of ``to_report()`` stands for."""
    @property
    def source(self) -> str: ...
    @property
    def category(self) -> str: ...

def count(
    paths: Union[_Path, Sequence[_Path], None] = None,
    manifest: Optional[_Path] = None,
    tokenizer: Union[Tokenizer, _Path, Sequence[Union[Tokenizer, _Path]], None] = None,
    signals: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = None,
    shard: Union[str, Tuple[int, int], None] = None,
    checkpoint: Optional[_Path] = None,
    progress: bool = False,
    max_document_bytes: Optional[int] = None,
    chat_field: Optional[str] = None,
    chat_template: Optional[_Path] = None,
) -> Report:
    """Takes the census of a corpus: the report ``tokencensus count --format json`` writes.

    ``max_document_bytes`` is ``--max-document-bytes``: a longer document (a plain-text file as
    decompressed, a JSONL record, a tar member, a Parquet value) is a ``too_large`` input error
    (default 1 GiB). ``chat_field`` is ``--chat-field`` and ``chat_template`` ``--chat-template``
    (a ``tokenizer_config.json``): each record's messages array is one conversation, counted
    per role (docs/chat.md). A list of tokenizers is ``--tokenizer`` given several times: each
    counts the same documents in one pass, the first is the primary one, and every tally
    gains ``tokens_by_tokenizer`` (docs/report.md)."""

def render(report: Union[Report, str], format: str = "table") -> str:
    """Renders a report as ``table``, ``json``, ``markdown``, ``eu-summary``, ``html``,
    ``croissant`` (Croissant 1.1 JSON-LD with the RAI vocabulary) or ``hf-card`` (a Hugging Face
    dataset card).

    An altered report (its content no longer hashes to its ``integrity`` digest) is refused;
    one without a digest is rendered with a warning."""

def merge(parts: Iterable[Union[Report, str, "os.PathLike[str]"]]) -> Report:
    """Merges shard reports of one count, or tallies and datatrove ranks, exactly.

    Every part must carry its intact ``integrity`` digest, as tokencensus wrote it."""
