"""Reading CSV and JSON that came from outside: the one place their caps are enforced.

Every file a user uploads or a program posts (charge and visit imports, deposit files, code
lists, API bodies) is read through here, so a hostile file meets the same limits on every
channel and is refused with a sentence that says where and which limit, instead of a crash
page. The limits are the ones the standard library leaves to the caller:

* a CSV cell longer than ``csv_cell_chars`` (the ``csv`` module's own guard is a
  process-wide 131,072 characters that ends in an exception naming no row or column);
* JSON nested deeper than ``json_depth`` (Python's parser recurses, and ends in
  RecursionError near a thousand levels);
* a JSON number with more than ``json_number_digits`` digits, or a magnitude beyond that
  many digits (``int()`` refuses 4,300 digits with ValueError; ``1e400`` becomes infinity,
  which no amount can hold);
* a NUL character anywhere in a CSV cell or a JSON string: billing data never holds one,
  and PostgreSQL text cannot store it.

Pure Python, no Django: callers pass the ``Limits`` (``Limits.of(settings)`` reads the
``RCMDESK_MAX_*`` settings) and turn ``Refused`` into their own import error.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any

# The csv module's guard is process-wide and names no cell; ours below is per cell and
# names it. Lifting theirs once lets ours be the one that speaks; the upload size caps
# bound what a cell can hold in memory.
csv.field_size_limit(2**31 - 1)

NUL = "\x00"


@dataclass(frozen=True)
class Limits:
    """The caps, each a setting: see THREAT_MODEL.md, "Caps on untrusted input"."""

    csv_cell_chars: int = 10_000  # RCMDESK_MAX_CSV_CELL_CHARS
    json_depth: int = 64  # RCMDESK_MAX_JSON_DEPTH
    json_number_digits: int = 30  # RCMDESK_MAX_JSON_NUMBER_DIGITS

    @classmethod
    def of(cls, settings: object) -> Limits:
        """The caps a settings object names, the defaults for any it does not."""
        base = cls()
        return cls(
            csv_cell_chars=getattr(settings, "RCMDESK_MAX_CSV_CELL_CHARS", base.csv_cell_chars),
            json_depth=getattr(settings, "RCMDESK_MAX_JSON_DEPTH", base.json_depth),
            json_number_digits=getattr(settings, "RCMDESK_MAX_JSON_NUMBER_DIGITS",
                                       base.json_number_digits))


class Refused(ValueError):
    """Input over a cap. ``problem`` is the sentence alone; ``str()`` adds where it is.

    CSV: ``row`` (as a spreadsheet numbers it, the header being 1) and ``column`` (the
    header's name for it, else "column N"). JSON: ``path`` (``entry[3].resource.item[0]``).
    """

    def __init__(self, problem: str, *, row: int | None = None, column: str = "",
                 path: str = "") -> None:
        self.problem, self.row, self.column, self.path = problem, row, column, path
        if row is not None:
            where = f"Row {row}, column {column!r}"
        else:
            where = f"Element {path}" if path else "The document"
        super().__init__(f"{where}: {problem}")


# --- CSV ---------------------------------------------------------------------------------

def csv_rows(text: str, limits: Limits, *, delimiter: str = ",",
             header: bool = True) -> Iterator[tuple[int, list[str]]]:
    """Every record as (row number, cells), the first as row 1; blank lines count as rows
    (a spreadsheet shows them) but are not yielded. Refused at the first cell over the cap
    or holding a NUL, naming the column by the header's name (``header``) or its place."""
    names: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, cells in enumerate(reader, start=1):
        if number == 1 and header:
            names = [c.strip() for c in cells]
        for index, cell in enumerate(cells):
            _check_cell(cell, limits, number, names, index)
        if cells:
            yield number, cells


def csv_table(text: str, limits: Limits) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The stripped header and each later row as {column: stripped value}; cells past the
    header are dropped and missing ones are blank (as ``csv.DictReader`` would give)."""
    rows = csv_rows(text, limits)
    first = next(rows, None)
    header = [c.strip() for c in first[1]] if first else []

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in rows:
            values = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
            yield number, dict(zip(header, values, strict=False))

    return header, records()


def _check_cell(cell: str, limits: Limits, row: int, header: list[str], index: int) -> None:
    if len(cell) > limits.csv_cell_chars:
        raise Refused(f"This cell holds {len(cell):,} characters; a cell may hold at most "
                      f"{limits.csv_cell_chars:,}. Shorten it (or check the file is the "
                      "export you meant) and import again.", row=row,
                      column=_column(header, index))
    if NUL in cell:
        raise Refused(nul_problem("This cell"), row=row, column=_column(header, index))


def _column(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"column {index + 1}"


def nul_problem(what: str) -> str:
    """The sentence for a NUL in ``what`` ("This cell", "Record 3" ...)."""
    return (f"{what} holds a NUL character (a zero byte), which billing data never holds; "
            "the file or request is damaged. Remove the character and try again.")


# --- JSON --------------------------------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[^\[\]{}]+")
_EXPONENT = re.compile(r"[eE][+\-]?[0-9]")
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}
# A string (escapes included), a number, or a structural character; everything else
# (whitespace, colons, true/false/null) is skipped.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?[0-9][0-9.eE+\-]*|[\[\]{},]', re.DOTALL)
_NUMBER = re.compile(r"-?([0-9]*)\.?([0-9]*)(?:[eE]([+\-]?[0-9]+))?")


def json_document(text: str, limits: Limits) -> Any:
    """The parsed document, numbers with a fraction or exponent as Decimal (money is never
    float). Refused before parsing if the text breaks a cap; json.JSONDecodeError if it is
    not JSON at all."""
    if _suspect(text, limits):
        _Scan(limits).run(text)
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:  # only if the depth cap is set above what Python can recurse
        raise Refused("The document is nested too deeply to read.") from None


def _suspect(text: str, limits: Limits) -> bool:
    """Whether the text may break a cap: a quick look in C-speed passes (a third of the
    parse's time), so the exact walk that names the element (five times the parse's time)
    runs only on the few documents that might."""
    if "\\u0000" in text:
        return True
    outside_strings = _STRING.sub('""', text)
    if re.search(f"[0-9]{{{limits.json_number_digits + 1}}}", outside_strings) or \
            _EXPONENT.search(outside_strings):
        return True
    brackets = _BRACKETS.sub("", outside_strings)
    return max(accumulate(map(_DEPTH.__getitem__, brackets)), default=0) > limits.json_depth


def _no_constant(name: str) -> Any:
    raise Refused(f"{name} is not a number JSON allows.")


class _Scan:
    """One pass over the tokens keeping the element path, so a refusal says where."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        # one frame per open container: [is_object, key or index]
        self.stack: list[list[Any]] = []
        self.expect_key = False

    def run(self, text: str) -> None:
        for match in _TOKEN.finditer(text):
            token = match.group()
            head = token[0]
            if head in "{[":
                self._open(head == "{")
            elif head in "}]":
                if self.stack:
                    self.stack.pop()
                self.expect_key = False
            elif head == ",":
                self._next()
            elif head == '"':
                self._string(token)
            else:
                self._number(token)

    def path(self) -> str:
        """``entry[3].resource.item[0]``; a very deep one keeps its first and last steps."""
        steps = []
        for is_object, label in self.stack:
            if label is None:
                break
            steps.append(f".{label}" if is_object else f"[{label}]")
        if len(steps) > 12:
            steps = [*steps[:6], f"…({len(steps) - 9} more)…", *steps[-3:]]
        return "".join(steps).lstrip(".") or "(the top level)"

    def _open(self, is_object: bool) -> None:
        if len(self.stack) >= self.limits.json_depth:
            raise Refused(f"The document is nested more than {self.limits.json_depth} levels "
                          "deep here; no file or request we read needs that. Check it is "
                          "the export you meant.", path=self.path())
        self.stack.append([is_object, None if is_object else 0])
        self.expect_key = is_object

    def _next(self) -> None:
        if self.stack and not self.stack[-1][0]:
            self.stack[-1][1] += 1
        self.expect_key = bool(self.stack and self.stack[-1][0])

    def _string(self, token: str) -> None:
        value = _decoded(token) if "\\" in token else token[1:-1]
        if self.expect_key and self.stack:
            self.stack[-1][1] = value[:40].replace(NUL, "\\0")
            self.expect_key = False
            if NUL in value:
                raise Refused(nul_problem("The name of this element"), path=self.path())
        elif NUL in value:
            raise Refused(nul_problem("This element"), path=self.path())

    def _number(self, token: str) -> None:
        match = _NUMBER.fullmatch(token)
        if match is None:
            return  # not a number: json.loads names the syntax error
        whole, fraction, exponent = match.groups()
        cap = self.limits.json_number_digits
        written = len(whole) + len(fraction)
        power = 0
        if exponent:  # an exponent too long to convert is over the cap either way
            power = int(exponent) if len(exponent) <= 8 else cap + 1
        if written > cap or abs(power) > cap or len(whole.lstrip("0")) + power > cap:
            raise Refused(f"This number is longer than {cap} digits when written out; "
                          "no amount or count is that long.", path=self.path())


def _decoded(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token[1:-1]
    return value if isinstance(value, str) else token[1:-1]
