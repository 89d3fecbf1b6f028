"""tokencensus: exact token counts and censuses of training corpora, from Python.

Count a text, a batch of texts, or a whole corpus with the same engine and the same figures as
the ``tokencensus`` command line::

    import tokencensus
    tok = tokencensus.Tokenizer()                 # the embedded Llama 3
    tok.count("Training data, counted exactly.")  # 6
    report = tokencensus.count(manifest="sources.toml")
    print(tokencensus.render(report, "markdown"))

``Tally`` is a partial census fed from memory (Ray, datatrove, notebooks); tallies merge exactly
and pickle. ``tokencensus.datatrove.TokenCensus`` is a datatrove pipeline step. The reference
is docs/python.md in the repository.
"""

from ._native import Tally, Tokenizer, __version__, count, merge, render
from .errors import (
    Error,
    FatalError,
    InputError,
    IoError,
    ManifestError,
    MergeError,
    PathNotFoundError,
    RefusedError,
    TokenizerError,
    UsageError,
    input_errors,
)

__all__ = [
    "Tokenizer",
    "Tally",
    "count",
    "render",
    "merge",
    "input_errors",
    "Error",
    "FatalError",
    "UsageError",
    "PathNotFoundError",
    "TokenizerError",
    "ManifestError",
    "RefusedError",
    "MergeError",
    "IoError",
    "InputError",
    "__version__",
]
