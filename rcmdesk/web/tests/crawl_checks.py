"""The crawler's judgements on one page, kept apart from the browser so they can be tested on
sample texts (test_crawl_checks.py) and read in one place.

What counts as "raw program output" is decided here: a Python repr (``['CO-97']``, ``None``,
``Decimal(``, ``held: False``), a stored code shown instead of its label (``ar_followup``:
the list of codes comes from the code base's own enums and choices, so an ordinary word is
never taken for one), and money or numbers as the database holds them (``$1050.00``,
``5885.35000000000``) rather than as a billing person reads them (``$1,050.00``).
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

PACKAGE = Path(__file__).parents[2]  # rcmdesk/

# Python reprs: a list, dict, Decimal or date printed as the interpreter prints it.
REPR_TOKENS = ("['", '["', "{'", '{"', "[]", "{}", "Decimal(", "datetime.", "<QuerySet",
               " object at 0x")
# None, True or False as a value: ending a line, a cell or a list item ("Assigned to\tNone",
# "held: False · reason", "'level': None,"); "None of these", "None." and "False positives"
# are English.
LITERAL = re.compile(r"(?<![\w-])(None|True|False)(?![\w-])(?=[ \t]*(?:$|[\n\t,;)\]}·|]))",
                     re.MULTILINE)
MONEY = re.compile(r"\$\s?\(?-?(\d[\d,]*)(?:\.(\d+))?")
GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})*$")
# A float or Decimal printed as stored: four or more decimals ("5885.35000000000"). One
# decimal is how rates are formatted ("45.0", "1.0 KB"), so a lone ".0" is not judged.
LONG_DECIMAL = re.compile(r"(?<![\w.,$])\d+\.\d{4,}(?![\w.])")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{16,})$")


@dataclass(frozen=True)
class RawValue:
    what: str    # which rule: "repr", "None", "boolean", "code", "money", "decimal"
    token: str   # the offending text itself
    sample: str  # it with a little context, for the report


def raw_values(text: str, codes: frozenset[str] | None = None) -> list[RawValue]:
    """Every place in a page's visible text where program output shows through."""
    codes = known_codes() if codes is None else codes
    found: list[RawValue] = []
    for token in REPR_TOKENS:
        found += [RawValue("repr", *_around(text, m))
                  for m in re.finditer(re.escape(token), text)]
    found += [RawValue("None" if m[1] == "None" else "boolean", *_around(text, m))
              for m in LITERAL.finditer(text)]
    found += [RawValue("code", *_around(text, m))
              for m in WORD.finditer(text) if m[0] in codes]
    found += [RawValue("money", *_around(text, m))
              for m in MONEY.finditer(text) if not _money_reads_well(m[1], m[2])]
    found += [RawValue("decimal", *_around(text, m))
              for m in LONG_DECIMAL.finditer(text)]
    return found


def _money_reads_well(units: str, cents: str | None) -> bool:
    """``$1,050.00`` or ``$5``: thousands grouped, and cents, if any, exactly two."""
    units = units.rstrip(",")
    return bool(GROUPED.match(units)) and (cents is None or len(cents) == 2)


def _around(text: str, match: re.Match[str], width: int = 30) -> tuple[str, str]:
    """The match, and the match within its line (up to ``width`` characters each side)."""
    start, end = match.span()
    left = text[max(0, start - width):start].rsplit("\n", 1)[-1]
    right = text[end:end + width].split("\n", 1)[0]
    return match[0], " ".join(f"{left}{match[0]}{right}".split())


@cache
def known_codes() -> frozenset[str]:
    """The snake_case values of every enum and choices list in rcmdesk, and the enum member
    names (``AR_FOLLOWUP``): what a page shows when it forgets the label.

    Modules that declare enums are imported first (found by reading the source), so a code
    family outside the models (the X12 findings, QA sampling) is known as well.
    """
    for module in _enum_modules():
        importlib.import_module(module)
    codes: set[str] = set()
    for cls in _subclasses(enum.Enum):
        if cls.__module__.startswith("rcmdesk."):
            for member in cls:
                if isinstance(member.value, str) and SNAKE.match(member.value):
                    codes.add(member.value)
                    codes.add(member.name)
    codes |= _model_choice_codes()
    return frozenset(c for c in codes if "_" in c)


def _enum_modules() -> Iterator[str]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "StrEnum" in source or "TextChoices" in source:
            yield ".".join(relative.with_suffix("").parts)


def _subclasses(cls: type[enum.Enum]) -> Iterator[type[enum.Enum]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _model_choice_codes() -> set[str]:
    """Choices given as plain lists on model fields (not through an enum)."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("rcmdesk."):
            continue
        for field in model._meta.get_fields():
            for value, _label in _flat_choices(getattr(field, "choices", None) or ()):
                if isinstance(value, str) and SNAKE.match(value):
                    codes.add(value)
    return codes


def _flat_choices(choices: Iterable[object]) -> Iterator[tuple[object, object]]:
    for choice in choices:
        if isinstance(choice, (list, tuple)) and len(choice) == 2:
            value, label = choice
            if isinstance(label, (list, tuple)):  # an option group
                yield from _flat_choices(label)
            else:
                yield value, label


def url_pattern(url: str) -> str:
    """The route a URL belongs to, ids replaced (``/claims/{id}/?tab=notes``): the crawl
    visits and checks a few URLs of each route, not every row of every list."""
    parts = urlsplit(url)
    path = "/".join("{id}" if ID_SEGMENT.match(seg) else seg for seg in parts.path.split("/"))
    query = sorted((key, "{id}" if ID_SEGMENT.match(value) else value)
                   for key, value in parse_qsl(parts.query, keep_blank_values=True))
    return path + (f"?{urlencode(query, safe='{}')}" if query else "")


def server_ms(header: str | None) -> float | None:
    """The ``app`` duration of a Server-Timing header (rcmdesk.web.timing), in ms."""
    match = re.search(r"(?:^|,)\s*app;dur=([\d.]+)", header or "")
    return float(match[1]) if match else None
