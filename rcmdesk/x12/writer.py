"""Serialise segments into envelopes with correct counts and control numbers.

Builders for each transaction set (``build_837`` etc. in ``writers``) produce plain
element lists; this module owns the envelope arithmetic (SE01, GE01, IEA01, matching
control numbers, fixed-width ISA) so no builder can get it wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rcmdesk.x12.errors import X12SyntaxError
from rcmdesk.x12.reader import Delimiters
from rcmdesk.x12.schemas import guide_for

Element = str | tuple[str, ...]  # a tuple is a composite, joined with ISA16 on output
Elements = list[Element]


def amount(value: Decimal | None) -> str:
    """Money/quantity as X12 R: plain notation, never an exponent."""
    return "" if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends to whom, when, and with which control numbers and delimiters."""

    sender: str = "RCMDESK"
    receiver: str = "RECEIVER"
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    date: str = "20260101"
    time: str = "1200"
    interchange_control: int = 1
    group_control: int = 1
    usage: str = "P"
    delimiters: Delimiters = field(default_factory=Delimiters)


@dataclass(frozen=True, slots=True)
class TransactionBody:
    """One transaction set to write: ST01, its guide version and body segments."""

    set_id: str
    version: str
    functional_id: str
    control: str
    segments: Sequence[Elements]


def _isa(env: Envelope) -> list[str]:
    d = env.delimiters
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        env.sender_qualifier.ljust(2)[:2],
        env.sender.ljust(15)[:15],
        env.receiver_qualifier.ljust(2)[:2],
        env.receiver.ljust(15)[:15],
        env.date[2:8],
        env.time[:4],
        d.repetition or "U",
        "00501",
        f"{env.interchange_control:09d}",
        "0",
        env.usage,
        d.component,
    ]


def _render(elements: Elements, d: Delimiters, forbidden: frozenset[str]) -> str:
    """One segment: composites joined, trailing empties dropped, delimiters refused.

    The delimiter check runs once over all of the segment's raw values joined together;
    only a segment that fails it is walked value by value to say which one.
    """
    component = d.component
    values: list[str] = []
    raw: list[str] = []
    for item in elements:
        if type(item) is str:
            values.append(item)
            raw.append(item)
        else:
            parts = list(item)
            raw.extend(parts)
            while len(parts) > 1 and parts[-1] == "":
                parts.pop()
            values.append(component.join(parts))
    if not forbidden.isdisjoint("".join(raw)):
        _refuse(elements, forbidden)
    end = len(values)
    while end > 1 and values[end - 1] == "":
        end -= 1
    return d.element.join(values[:end])


def _refuse(elements: Elements, forbidden: frozenset[str]) -> None:
    """Raise for the first value holding a delimiter (the slow walk, for the message)."""
    for index, item in enumerate(elements):
        for part in item if isinstance(item, tuple) else (item,):
            if not forbidden.isdisjoint(part):
                raise X12SyntaxError(
                    f"value {part!r} contains a delimiter",
                    segment_id=str(elements[0]),
                    element=index,
                )


def _st03(body: TransactionBody) -> str:
    """ST03 where the guide uses it (the 835 guide does not: it is left empty there)."""
    guide = guide_for(body.set_id, body.version)
    if guide is None:
        return body.version
    st = guide.root.first
    usage = st.elements[2].usage if len(st.elements) > 2 else "N"
    return "" if usage == "N" else body.version


def write_interchange(bodies: Sequence[TransactionBody], env: Envelope | None = None) -> bytes:
    """One ISA..IEA holding one GS..GE per consecutive run of the same functional id."""
    env = env or Envelope()
    d = env.delimiters
    out: list[Elements] = []
    groups = 0
    index = 0
    while index < len(bodies):
        first = bodies[index]
        run = list(bodies[index:])
        same = [b.functional_id == first.functional_id for b in run]
        run = run[: same.index(False) if False in same else len(run)]
        control = str(env.group_control + groups)
        out.append(
            [
                "GS",
                first.functional_id,
                env.sender,
                env.receiver,
                env.date,
                env.time,
                control,
                "X",
                first.version,
            ]
        )
        for body in run:
            st: Elements = ["ST", body.set_id, body.control, _st03(body)]
            segments = [st, *body.segments]
            out.extend(segments)
            out.append(["SE", str(len(segments) + 1), body.control])
        out.append(["GE", str(len(run)), control])
        groups += 1
        index += len(run)
    out.append(["IEA", str(groups), f"{env.interchange_control:09d}"])
    forbidden = frozenset(d.element + d.segment + d.component + d.repetition)
    lines = [d.element.join(_isa(env))] + [_render(seg, d, forbidden) for seg in out]
    return "".join(line + d.segment + "\n" for line in lines).encode("utf-8")
