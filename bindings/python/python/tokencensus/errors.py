"""The exceptions of tokencensus.

``FatalError`` and its subclasses stop a call, with the same kinds and messages as the command
line's fatal errors (exit status 2); each is also the built-in exception it resembles, so that
``except ValueError`` catches a bad argument. ``InputError`` is one bad record or file: it is
never raised by a count, it is listed in the report's ``errors`` (``input_errors(report)`` turns
them into these objects).
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

__all__ = [
    "Error",
    "FatalError",
    "UsageError",
    "PathNotFoundError",
    "TokenizerError",
    "ManifestError",
    "RefusedError",
    "MergeError",
    "IoError",
    "RemoteError",
    "InputError",
    "input_errors",
]


class Error(Exception):
    """Base of every tokencensus exception."""


class FatalError(Error):
    """A problem that stops the call before a complete report can exist.

    ``kind`` names it as the library does (``usage``, ``path_not_found``, ``tokenizer``,
    ``manifest``, ``refused``, ``merge``, ``io``, ``remote``); ``str(error)`` is the command
    line's message.
    """

    def __init__(self, message: str, kind: str = "fatal") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class UsageError(FatalError, ValueError):
    """The arguments given cannot be acted on."""


class PathNotFoundError(FatalError, FileNotFoundError):
    """A path argument or manifest path does not exist."""

    def __str__(self) -> str:
        return self.message


class TokenizerError(FatalError):
    """The tokenizer file could not be read or parsed."""


class ManifestError(FatalError):
    """The manifest is unreadable or invalid."""


class RefusedError(FatalError, ValueError):
    """The tokenizer refused a text given to ``Tokenizer.count``."""


class MergeError(FatalError, ValueError):
    """Reports or tallies that cannot be merged into one census."""


class IoError(FatalError, OSError):
    """A saved report could not be read or written."""

    def __str__(self) -> str:
        return self.message


class RemoteError(IoError):
    """An object store could not be listed or read (``s3://``, ``gs://``, ``az://``,
    ``https://``): the message names the URL (never a credential) and what to check."""


class InputError(Error):
    """One bad record or file, as a report lists it: ``path``, ``line`` (or ``None``),
    ``kind`` (``json``, ``missing_field``, ``invalid_unicode``, ...) and ``message``.
    ``str(error)`` is the command line's ``path:line: kind: message``."""

    def __init__(self, path: str, line: Optional[int], kind: str, message: str) -> None:
        self.path = path
        self.line = line
        self.kind = kind
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.kind}: {self.message}"
        return f"{self.path}:{self.line}: {self.kind}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"InputError(path={self.path!r}, line={self.line!r}, "
            f"kind={self.kind!r}, message={self.message!r})"
        )


def input_errors(report: Mapping[str, Any]) -> List[InputError]:
    """The input errors a report lists (bad records and files), as ``InputError`` objects."""
    return [
        InputError(e["path"], e.get("line"), e["kind"], e["message"])
        for e in report.get("errors", [])
    ]
