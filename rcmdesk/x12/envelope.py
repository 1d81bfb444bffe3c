"""Walk ISA/GS/ST envelopes over a segment stream without buffering bodies.

``Envelopes.transactions()`` yields one ``TransactionSource`` per ST..SE whose ``body``
iterator pulls segments from the shared reader, so a 2 GB interchange is never held in
memory. Misplaced envelopes (a GS outside an ISA, data outside an ST, a file ending
inside an envelope) raise ``X12EnvelopeError``; wrong counts and mismatched control
numbers are recoverable and become SNIP 1 findings instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rcmdesk.x12.errors import X12EnvelopeError
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.reader import Delimiters, Segment

_ENVELOPE_IDS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
# The guide assumed for a bare ST..SE set whose ST03 does not say (GS08 would).
_DEFAULT_VERSION = {
    "835": "005010X221A1",
    "837": "005010X222A1",
    "270": "005010X279A1",
    "271": "005010X279A1",
    "276": "005010X212",
    "277": "005010X212",
    "278": "005010X217",
    "999": "005010X231A1",
}


@dataclass(frozen=True, slots=True)
class Interchange:
    """The ISA header of an interchange."""

    segment: Segment

    @property
    def sender(self) -> str:
        return self.segment.get(6).strip()

    @property
    def receiver(self) -> str:
        return self.segment.get(8).strip()

    @property
    def control(self) -> str:
        return self.segment.get(13).strip()

    @property
    def version(self) -> str:
        return self.segment.get(12).strip()

    @property
    def delimiters(self) -> Delimiters:
        return self.segment.delimiters


@dataclass(frozen=True, slots=True)
class Group:
    """The GS header of a functional group."""

    segment: Segment

    @property
    def functional_id(self) -> str:
        return self.segment.get(1)

    @property
    def sender(self) -> str:
        return self.segment.get(2)

    @property
    def receiver(self) -> str:
        return self.segment.get(3)

    @property
    def control(self) -> str:
        return self.segment.get(6)

    @property
    def version(self) -> str:
        return self.segment.get(8)


@dataclass(slots=True)
class TransactionSource:
    """An ST..SE transaction set whose segments are streamed through ``body``."""

    interchange: Interchange
    group: Group
    st: Segment
    body: Iterator[Segment]
    se: Segment | None = None
    count: int = 0

    @property
    def set_id(self) -> str:
        return self.st.get(1)

    @property
    def control(self) -> str:
        return self.st.get(2)


@dataclass(slots=True)
class _State:
    isa: Segment | None = None
    gs: Segment | None = None
    groups: int = 0
    sets: int = 0
    ta1: list[Segment] = field(default_factory=list)


class Envelopes:
    """Validate envelope nesting over a segment stream and yield transaction sets."""

    def __init__(
        self,
        segments: Iterable[Segment],
        name: str = "<input>",
        max_findings: int | None = None,
        check_ta1: Callable[[Segment], Iterable[Finding]] | None = None,
    ) -> None:
        """``max_findings``: stop reading once more findings than this are noted (a file of
        empty groups would otherwise grow ``findings`` with every few bytes it holds).
        ``check_ta1``: note each TA1's findings as it is read instead of keeping the TA1
        in ``ta1`` (validation needs only the findings, and a file can hold millions).
        """
        self.name = name
        self._limit = sys.maxsize if max_findings is None else max_findings
        self._check_ta1 = check_ta1
        self.findings: list[Finding] = []
        self.ta1: list[tuple[Interchange, Segment]] = []
        self._segments = iter(segments)
        self._last: Segment | None = None
        self._pending: TransactionSource | None = None

    def _fail(self, message: str, segment: Segment | None, element: int = 0) -> X12EnvelopeError:
        return X12EnvelopeError(
            message,
            file=self.name,
            position=segment.position if segment else 0,
            segment_id=segment.id if segment else "",
            element=element,
            offset=segment.offset if segment else None,
        )

    def _note(
        self,
        segment: Segment,
        element: int,
        rule: str,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.findings.append(
            Finding(self.name, segment.position, segment.id, element, rule, severity, message)
        )

    def transactions(self) -> Iterator[TransactionSource]:
        """Yield each transaction set; raise on broken nesting or truncation."""
        state = _State()
        bare: tuple[Segment, Segment] | None = None
        for segment in self._segments:
            self._drain()
            if len(self.findings) > self._limit:
                return
            first, self._last = self._last is None, segment
            sid = segment.id
            if sid == "ST" and (first or bare is not None):
                bare = bare or self._stand_in(segment)
                yield self._open_set(_State(*bare), segment)
            elif sid == "ST":
                yield self._open_set(state, segment)
            elif bare is not None and sid in ("GE", "IEA"):
                message = f"{sid} closes an envelope never opened (bare ST..SE file); ignored"
                self._note(segment, 0, "snip1.no-envelope", message, Severity.WARNING)
            elif sid == "ISA":
                self._open_interchange(state, segment)
            elif sid == "GS":
                self._open_group(state, segment)
            elif sid == "GE":
                self._close_group(state, segment)
            elif sid == "IEA":
                self._close_interchange(state, segment)
            elif sid == "TA1" and state.isa is not None and state.gs is None:
                self._ta1(state.isa, segment)
            else:
                raise self._fail(
                    f"segment {sid} appears outside a transaction set (ST..SE)", segment
                )
        self._drain()
        if state.isa is not None:
            what = "functional group (no GE)" if state.gs is not None else "interchange (no IEA)"
            raise self._fail(f"file is truncated: unterminated {what}", self._last)

    def _ta1(self, isa: Segment, segment: Segment) -> None:
        if self._check_ta1 is None:
            self.ta1.append((Interchange(isa), segment))
        else:
            self.findings.extend(self._check_ta1(segment))

    def _stand_in(self, st: Segment) -> tuple[Segment, Segment]:
        """An ISA and a GS for a bare ST..SE file, at position 0 (they are not in it).

        Companion guides and test suites print transaction sets without envelopes;
        parsing them is useful, pretending they had one is not: a warning says so.
        """
        d = st.delimiters
        version = st.get(3) or _DEFAULT_VERSION.get(st.get(1), "")
        isa = Segment(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                " " * 15,
                "ZZ",
                " " * 15,
                "000000",
                "0000",
                d.repetition,
                "00501",
                "000000000",
                "0",
                "P",
                d.component,
            ],
            0,
            0,
            d,
        )
        gs = Segment(["GS", "", "", "", "", "", "0", "X", version], 0, 0, d)
        message = (
            "bare ST..SE transaction set without ISA/GS envelope: delimiters guessed "
            f"from the ST segment, guide {version or 'unknown'} assumed"
        )
        self._note(st, 0, "snip1.no-envelope", message, Severity.WARNING)
        return isa, gs

    def _drain(self) -> None:
        pending = self._pending
        if pending is not None:
            for _ in pending.body:
                pass
            self._pending = None

    def _open_interchange(self, state: _State, segment: Segment) -> None:
        if state.isa is not None:
            raise self._fail("ISA found before the previous interchange's IEA", segment)
        state.isa, state.groups = segment, 0

    def _open_group(self, state: _State, segment: Segment) -> None:
        if state.isa is None:
            raise self._fail("GS found outside an interchange (no ISA)", segment)
        if state.gs is not None:
            raise self._fail("GS found before the previous group's GE", segment)
        state.gs, state.sets = segment, 0
        state.groups += 1

    def _open_set(self, state: _State, segment: Segment) -> TransactionSource:
        if state.isa is None or state.gs is None:
            raise self._fail("ST found outside a functional group (no GS)", segment)
        state.sets += 1
        source = TransactionSource(Interchange(state.isa), Group(state.gs), segment, iter(()))
        source.body = self._body(source)
        self._pending = source
        return source

    def _body(self, source: TransactionSource) -> Iterator[Segment]:
        count = 1
        envelope_ids = _ENVELOPE_IDS
        segment: Segment | None = None
        for segment in self._segments:
            count += 1
            sid = segment.elements[0]
            if sid in envelope_ids:
                self._last = segment
                if sid == "SE":
                    yield segment
                    source.se, source.count = segment, count
                    self._check_se(source, segment, count)
                    return
                raise self._fail(
                    f"{sid} found inside transaction set {source.control} (no SE)", segment
                )
            yield segment
        if segment is not None:
            self._last = segment
        raise self._fail(
            f"file is truncated: transaction set {source.control} has no SE", self._last
        )

    def _check_se(self, source: TransactionSource, se: Segment, count: int) -> None:
        if se.get(1) != str(count):
            self._note(
                se, 1, "snip1.se-count", f"SE01 is {se.get(1)!r} but the set has {count} segments"
            )
        if se.get(2) != source.control:
            self._note(
                se,
                2,
                "snip1.se-control",
                f"SE02 {se.get(2)!r} does not match ST02 {source.control!r}",
            )

    def _close_group(self, state: _State, segment: Segment) -> None:
        if state.gs is None:
            raise self._fail("GE found without a matching GS", segment)
        if segment.get(1) != str(state.sets):
            self._note(
                segment,
                1,
                "snip1.ge-count",
                f"GE01 is {segment.get(1)!r} but the group has {state.sets} transaction sets",
            )
        if segment.get(2) != state.gs.get(6):
            self._note(
                segment,
                2,
                "snip1.ge-control",
                f"GE02 {segment.get(2)!r} does not match GS06 {state.gs.get(6)!r}",
            )
        state.gs = None

    def _close_interchange(self, state: _State, segment: Segment) -> None:
        if state.isa is None:
            raise self._fail("IEA found without a matching ISA", segment)
        if state.gs is not None:
            raise self._fail("IEA found before the group's GE", segment)
        if segment.get(1) != str(state.groups):
            self._note(
                segment,
                1,
                "snip1.iea-count",
                f"IEA01 is {segment.get(1)!r} but the interchange has {state.groups} groups",
            )
        if segment.get(2) != state.isa.get(13).strip():
            self._note(
                segment,
                2,
                "snip1.iea-control",
                f"IEA02 {segment.get(2)!r} does not match ISA13 {state.isa.get(13).strip()!r}",
            )
        state.isa = None
