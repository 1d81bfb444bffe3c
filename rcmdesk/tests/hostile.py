"""The hostile inputs the outside attack of issue 15 used, shared by every import's tests."""

from __future__ import annotations

from dataclasses import dataclass

LONG_CELL = "D" * 131_073  # one past what Python's csv module itself will read
NUL = "\x00"
HUGE_NUMBER = "9" * 100_000  # past the 4,300 digits int() converts
DEEP = 100_000  # levels of nesting, far past Python's recursion limit
# In a FHIR resource: the element that carries the hostile JSON (``extension``), and the
# three kinds the attack put there.
EXTENSION = '"extension": 67890'
IN_EXTENSION = {"deep": "", "number": f'[{{"valueInteger": {HUGE_NUMBER}}}]',
                "nul": '"x\\u0000"'}


LONG_CELL_SAYS = "This cell holds 131,073 characters; a cell may hold at most 10,000."
NUL_SAYS = "holds a NUL character"


def deep_array(levels: int = DEEP) -> str:
    return "[" * levels + "]" * levels


def in_extension(document: str, kind: str) -> bytes:
    """``document`` (JSON holding ``EXTENSION`` once) with that element made hostile."""
    hostile = IN_EXTENSION[kind] or deep_array()
    return document.replace(EXTENSION, f'"extension": {hostile}').encode()


@dataclass(frozen=True)
class Hostile:
    """A file the outside attack sent, and what the user must be told of it: where
    (row or "file", and the column or element) and a sentence naming the limit."""

    name: str
    data: bytes
    row: str | int
    field: str
    says: str


def fhir_cases(name: str, document: str, resource: str) -> dict[str, Hostile]:
    """The three hostile FHIR files of the attack, made from ``document`` (a bundle holding
    ``EXTENSION`` once, in the resource at path ``resource``, e.g. ``entry[4].resource``)."""
    at = f"{resource}.extension"
    return {
        "deeply nested JSON": Hostile(
            name, in_extension(document, "deep"), "file", f"{at}[0][0]…(55 more)…[0][0][0]",
            "nested more than 64 levels deep"),
        "a 100,000-digit number in FHIR": Hostile(
            name, in_extension(document, "number"), "file", f"{at}[0].valueInteger",
            "This number is longer than 30 digits"),
        "a NUL escaped in a FHIR string": Hostile(
            name, in_extension(document, "nul"), "file", at, NUL_SAYS),
    }
