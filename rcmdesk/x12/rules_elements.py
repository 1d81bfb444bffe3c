"""SNIP 1/2 element rules: type, length, code values, usage and syntax conditions.

Each check is a plain function over (segment, spec) returning findings, driven by the
same guide data the parser uses, so adding a guide never means adding rule code.

Almost every segment of a real file is clean, so ``elements_clean`` answers "would
``check_elements`` find nothing?" from rules compiled once per segment spec; only a
segment it rejects goes through ``check_elements``, which alone words the findings.
It may reject a clean segment (that only costs time) but never pass a dirty one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.reader import Delimiters, Segment
from rcmdesk.x12.schemas.model import C, E, S

ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


def finding(
    file: str, segment: Segment, element: int, rule: str, message: str, warn: bool = False
) -> Finding:
    """A finding located at ``segment`` element ``element``."""
    severity = Severity.WARNING if warn else Severity.ERROR
    return Finding(file, segment.position, segment.id, element, rule, severity, message)


def valid_date(value: str) -> bool:
    """CCYYMMDD (or YYMMDD) that exists in the calendar."""
    if not value.isdigit() or len(value) not in (6, 8):
        return False
    if len(value) == 6:
        value = "20" + value
    try:
        dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return False
    return True


def valid_time(value: str) -> bool:
    """HHMM with optional seconds and decimal seconds.

    ``isdecimal``, not ``isdigit``: a latin-1 byte such as 0xB2 decodes to a superscript
    that isdigit accepts and int() rejects, which used to crash validation.
    """
    if not value.isdecimal() or not 4 <= len(value) <= 8:
        return False
    ok = int(value[:2]) < 24 and int(value[2:4]) < 60
    return ok and (len(value) < 6 or int(value[4:6]) < 60)


def _numeric_digits(value: str, decimal_ok: bool) -> int | None:
    """Number of digits in a valid N/R value, None when malformed."""
    body = value[1:] if value.startswith("-") else value
    if decimal_ok and body.count(".") == 1:
        body = body.replace(".", "", 1)
    return len(body) if body.isdigit() else None


def _check_value(value: str, spec: E) -> str | None:
    """Why ``value`` violates ``spec``, or None."""
    kind = spec.type
    if kind.startswith("N") or kind == "R":
        digits = _numeric_digits(value, kind == "R")
        if digits is None:
            return f"{value!r} is not a valid {'decimal' if kind == 'R' else 'integer'}"
        length = digits
    else:
        length = len(value)
    if kind == "DT" and not valid_date(value):
        return f"{value!r} is not a valid date"
    if kind == "TM" and not valid_time(value):
        return f"{value!r} is not a valid time"
    if length < spec.min_len or length > spec.max_len:
        return f"{value!r} has length {length}, allowed {spec.min_len}-{spec.max_len}"
    if spec.codes and value not in spec.codes:
        return f"{value!r} is not a valid code here"
    return None


def _simple(file: str, seg: Segment, index: int, value: str, spec: E) -> Iterator[Finding]:
    values = [value]
    rep = seg.delimiters.repetition
    if spec.repeat != 1 and rep:
        values = value.split(rep)
    for item in values:
        problem = _check_value(item, spec) if item else None
        if problem:
            rule = "snip2.code" if "code" in problem else "snip1.element"
            yield finding(file, seg, index, rule, f"{seg.id}{index:02d}: {problem}")


def _composite(file: str, seg: Segment, index: int, value: str, spec: C) -> Iterator[Finding]:
    parts = value.split(seg.delimiters.component)
    if len(parts) > len(spec.parts):
        yield finding(
            file, seg, index, "snip1.composite", f"{seg.id}{index:02d} has too many components"
        )
    for sub, (part, part_spec) in enumerate(zip(parts, spec.parts, strict=False), start=1):
        where = f"{seg.id}{index:02d}-{sub}"
        if not part and part_spec.usage == "R":
            yield finding(file, seg, index, "snip2.required-element", f"{where} is required")
        elif part:
            problem = _check_value(part, part_spec)
            if problem:
                rule = "snip2.code" if "code" in problem else "snip1.element"
                yield finding(file, seg, index, rule, f"{where}: {problem}")


def check_elements(file: str, seg: Segment, spec: S) -> Iterator[Finding]:
    """Type, length, code, usage and syntax checks for one segment."""
    elements = seg.elements
    defined = spec.elements
    if len(elements) - 1 > len(defined):
        yield finding(
            file,
            seg,
            len(defined) + 1,
            "snip1.too-many-elements",
            f"{seg.id} has {len(elements) - 1} elements, at most {len(defined)} allowed",
        )
    for index, item in enumerate(defined, start=1):
        value = elements[index] if index < len(elements) else ""
        if not value:
            if item.usage == "R":
                yield finding(
                    file, seg, index, "snip2.required-element", f"{seg.id}{index:02d} is required"
                )
            continue
        if item.usage == "N":
            yield finding(
                file,
                seg,
                index,
                "snip2.not-used",
                f"{seg.id}{index:02d} is not used in this guide",
                warn=True,
            )
        if isinstance(item, C):
            yield from _composite(file, seg, index, value, item)
        elif item.repeat != 1:
            yield from _simple(file, seg, index, value, item)
        else:
            problem = _check_value(value, item)
            if problem:
                rule = "snip2.code" if "code" in problem else "snip1.element"
                yield finding(file, seg, index, rule, f"{seg.id}{index:02d}: {problem}")
    for rule in spec.syntax:
        broken = _syntax(file, seg, rule)
        if broken is not None:
            yield broken


_SYNTAX_NAMES = {
    "P": "must be used together",
    "R": "at least one is required",
    "E": "only one may be used",
    "C": "first requires the others",
    "L": "first requires at least one other",
}


@cache
def _positions(rule: str) -> tuple[int, ...]:
    """Element positions of a syntax rule such as ``P0809`` (parsed once per rule)."""
    body = rule[1:]
    return tuple(int(body[i : i + 2]) for i in range(0, len(body), 2))


def _syntax_broken(rule: str, present: tuple[bool, ...]) -> bool:
    """Whether relational condition ``rule`` fails, given which elements are non-empty."""
    kind = rule[0]
    count = len(present)
    here = [p < count and present[p] for p in _positions(rule)]
    return (
        (kind == "P" and any(here) and not all(here))
        or (kind == "R" and not any(here))
        or (kind == "E" and sum(here) > 1)
        or (kind == "C" and here[0] and not all(here[1:]))
        or (kind == "L" and here[0] and not any(here[1:]))
    )


def _syntax(file: str, seg: Segment, rule: str) -> Finding | None:
    """X12 relational conditions: P paired, R required-one, E exclusive, C/L conditional."""
    if _syntax_broken(rule, tuple(map(bool, seg.elements))):
        positions = _positions(rule)
        label = "/".join(f"{seg.id}{p:02d}" for p in positions)
        message = f"{label}: {_SYNTAX_NAMES.get(rule[0], rule)} ({rule})"
        return finding(file, seg, positions[0], "snip2.syntax", message)
    return None


# A value check: true when a non-empty value has no finding (its delimiters at hand
# for composites and repeats; simple values ignore them).
ValueCheck = Callable[[str, Delimiters], bool]


def _simple_check(spec: E) -> ValueCheck:
    """True exactly when ``_check_value(value, spec)`` is None."""
    kind, low, high = spec.type, spec.min_len, spec.max_len
    codes = frozenset(spec.codes) if spec.codes else None
    if kind.startswith("N") or kind == "R":
        decimal_ok = kind == "R"

        def numeric(value: str, _delimiters: Delimiters) -> bool:
            if value.isdigit():  # most numbers: no sign, no decimal point
                length = len(value)
            else:
                body = value[1:] if value[0] == "-" else value
                if decimal_ok and "." in body:  # a second point still fails isdigit
                    whole, _, fraction = body.partition(".")
                    body = whole + fraction
                if not body.isdigit():
                    return False
                length = len(body)
            return low <= length <= high and (codes is None or value in codes)

        return numeric
    valid = valid_date if kind == "DT" else valid_time if kind == "TM" else None

    def text(value: str, _delimiters: Delimiters) -> bool:
        return (
            (valid is None or valid(value))
            and low <= len(value) <= high
            and (codes is None or value in codes)
        )

    return text


def _plain(spec: E) -> bool:
    """Text types (AN, ID, ...): checked for length and codes only, which callers inline."""
    kind = spec.type
    return not kind.startswith("N") and kind not in ("R", "DT", "TM")


# (required, min length, max length, codes or None, special check or None) of one
# composite component; the special check is None when the component is plain text.
Part = tuple[bool, int, int, frozenset[str] | None, ValueCheck | None]


def _part(spec: E) -> Part:
    if _plain(spec):
        codes = frozenset(spec.codes) if spec.codes else None
        return (spec.usage == "R", spec.min_len, spec.max_len, codes, None)
    return (spec.usage == "R", 0, 0, None, _simple_check(spec))


def _value_check(item: E | C) -> ValueCheck:
    """The check ``check_elements`` makes of one non-empty element, as a predicate."""
    if isinstance(item, C):
        parts = tuple(_part(part) for part in item.parts)
        width = len(parts)

        def composite(value: str, delimiters: Delimiters) -> bool:
            pieces = value.split(delimiters.component)
            if len(pieces) > width:
                return False
            for piece, (required, low, high, codes, special) in zip(pieces, parts, strict=False):
                if not piece:
                    if required:
                        return False
                elif special is None:
                    if not low <= len(piece) <= high or (codes is not None and piece not in codes):
                        return False
                elif not special(piece, delimiters):
                    return False
            return True

        return composite
    check = _simple_check(item)
    if item.repeat != 1:

        def repeated(value: str, delimiters: Delimiters) -> bool:
            rep = delimiters.repetition
            values = value.split(rep) if rep else [value]
            return all(check(one, delimiters) for one in values if one)

        return repeated
    return check


# (position, min length, max length, codes or None, special check or None): a plain
# text element (AN, ID, ...) is checked inline from the first four, anything else
# (numbers, dates, times, composites, repeats) by the special check alone.
Field = tuple[int, int, int, frozenset[str] | None, ValueCheck | None]


def _field(index: int, item: E | C) -> Field:
    if isinstance(item, E) and item.repeat == 1 and _plain(item):
        codes = frozenset(item.codes) if item.codes else None
        return (index, item.min_len, item.max_len, codes, None)
    return (index, 0, 0, None, _value_check(item))


# Most segment specs meet a handful of element patterns; past this many the memo
# stops growing (a hostile file then only costs time, never memory).
_MAX_SHAPES = 1024
# shapes' answer for a pattern that breaks a usage, count or syntax rule
_DIRTY: tuple[Field, ...] = ((-1, 0, 0, None, None),)


@dataclass(slots=True, eq=False)
class _SegmentRules:
    """``check_elements`` for one segment spec, compiled.

    ``shapes`` memoises, per presence pattern (which elements are non-empty), the
    usage, element-count and syntax verdict, which depend on nothing else: ``_DIRTY``
    when one fails, else the fields whose values still need checking.
    """

    spec: S
    fields: tuple[Field, ...]
    shapes: dict[tuple[bool, ...], tuple[Field, ...]] = field(default_factory=dict)

    def shape(self, present: tuple[bool, ...]) -> tuple[Field, ...]:
        spec = self.spec
        count = len(present)
        if count - 1 > len(spec.elements):
            return _DIRTY
        for index, item in enumerate(spec.elements, start=1):
            here = index < count and present[index]
            if (item.usage == "R" and not here) or (item.usage == "N" and here):
                return _DIRTY
        if any(_syntax_broken(rule, present) for rule in spec.syntax):
            return _DIRTY
        return tuple(f for f in self.fields if f[0] < count and present[f[0]])


# Keyed by identity, as hashing a spec walks all of it; each entry keeps its spec alive,
# so an id here can never be reused by another spec.
_RULES: dict[int, _SegmentRules] = {}


def _rules(spec: S) -> _SegmentRules:
    rules = _RULES.get(id(spec))
    if rules is None:
        fields = tuple(_field(index, item) for index, item in enumerate(spec.elements, start=1))
        rules = _RULES[id(spec)] = _SegmentRules(spec, fields)
    return rules


def elements_clean(seg: Segment, spec: S) -> bool:
    """Whether ``check_elements(file, seg, spec)`` would find nothing (False: ask it)."""
    rules = _RULES.get(id(spec)) or _rules(spec)
    elements = seg.elements
    present = tuple(map(bool, elements))
    shapes = rules.shapes
    todo = shapes.get(present)
    if todo is None:
        todo = rules.shape(present)
        if len(shapes) < _MAX_SHAPES:
            shapes[present] = todo
    if todo is _DIRTY:
        return False
    for index, low, high, codes, special in todo:
        value = elements[index]
        if special is None:
            if not low <= len(value) <= high or (codes is not None and value not in codes):
                return False
        elif not special(value, seg.delimiters):
            return False
    return True


def check_isa(file: str, seg: Segment) -> Iterator[Finding]:
    """ISA must be fixed width with valid date, time and numeric control number."""
    for index, width in enumerate(ISA_WIDTHS, start=1):
        if len(seg.get(index)) != width:
            yield finding(
                file,
                seg,
                index,
                "snip1.isa-width",
                f"ISA{index:02d} must be exactly {width} characters, found {len(seg.get(index))}",
            )
    if not valid_date(seg.get(9).strip()):
        yield finding(
            file, seg, 9, "snip1.isa-date", f"ISA09 {seg.get(9)!r} is not a valid YYMMDD date"
        )
    if not valid_time(seg.get(10).strip()):
        yield finding(
            file, seg, 10, "snip1.isa-time", f"ISA10 {seg.get(10)!r} is not a valid HHMM time"
        )
    if not seg.get(13).strip().isdigit():
        yield finding(file, seg, 13, "snip1.isa-control", "ISA13 must be numeric")


FUNCTIONAL_IDS = {
    "835": "HP",
    "837": "HC",
    "270": "HS",
    "271": "HB",
    "276": "HR",
    "277": "HN",
    "278": "HI",
    "999": "FA",
}


def check_gs(file: str, seg: Segment, set_id: str) -> Iterator[Finding]:
    """GS date/time/version and functional id for the set it carries."""
    expected = FUNCTIONAL_IDS.get(set_id)
    if expected and seg.get(1) != expected:
        yield finding(
            file,
            seg,
            1,
            "snip1.gs-functional-id",
            f"GS01 {seg.get(1)!r} should be {expected!r} for a {set_id}",
        )
    if not valid_date(seg.get(4)) or len(seg.get(4)) != 8:
        yield finding(
            file, seg, 4, "snip1.gs-date", f"GS04 {seg.get(4)!r} is not a valid CCYYMMDD date"
        )
    if not valid_time(seg.get(5)):
        yield finding(file, seg, 5, "snip1.gs-time", f"GS05 {seg.get(5)!r} is not a valid time")
