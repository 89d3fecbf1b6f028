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

from . import errors
from ._native import Tally, Tokenizer, __version__, count, merge, render
from .errors import *  # noqa: F403 (the exceptions and input_errors, listed in errors.__all__)

__all__ = ["Tokenizer", "Tally", "count", "render", "merge", "__version__", *errors.__all__]
