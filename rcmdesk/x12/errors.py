"""Errors raised by the X12 engine.

Every failure to read input is an ``X12Error`` carrying the file name, the 1-based
segment position, the segment id and the element position, so that a biller can open
the file at the right place instead of reading a Python traceback.
"""

from __future__ import annotations


class X12Error(Exception):
    """Base class of every error the X12 engine raises on bad input."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "<input>",
        position: int = 0,
        segment_id: str = "",
        element: int = 0,
        offset: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.position = position
        self.segment_id = segment_id
        self.element = element
        self.offset = offset
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.file}:{self.position}:{self.segment_id or '-'}:{self.element}"
        at = f" (byte {self.offset})" if self.offset is not None else ""
        return f"{where}: {self.message}{at}"


class X12SyntaxError(X12Error):
    """The bytes are not well-formed X12 (delimiters, segment ids, encoding)."""


class X12EnvelopeError(X12Error):
    """ISA/GS/ST envelopes are missing, misplaced, unterminated or inconsistent."""
