"""Reading a 271 into what a front desk needs: is the coverage active, under which plan and
dates, and what the patient will owe for each service type.

Pure functions over the parsed loop tree (no database), so every sample file can be checked
by hand against the summary it produces. One ``Answer`` per member level (2000C subscriber
with no dependent, or 2000D dependent); a 271 refused before any member level (AAA in
2100A/2100B) is one answer for the whole set, found again by the 270's BHT03.

Readings, and why:

- Coverage status: EB01 1-5 active, 6-8 inactive. A member with no status EB but an AAA is
  *rejected* (the payer did not look); otherwise *unknown*.
- An EB with no service type (EB03) is read as 30 (health benefit plan coverage), the type
  the guide says applies when none is given; EB01 L (primary care provider) and others
  that say nothing about money or status are not summarised.
- Copay EB01 B (EB07 amount), coinsurance A (EB08 percent), deductible C and out-of-pocket
  G (EB07). EB12 Y is in-network, N out-of-network; W (not applicable) or blank applies to
  both where neither has its own figure. EB06 29 (remaining) or 33 (lifetime remaining) is
  the amount left; any other period is the total.
- An individual figure (EB02 IND or blank) wins over a family one (FAM).
- Other payer (COB): EB01 R, named by its 2120 NM1 (NM103). A 2120 under any other EB (e.g.
  the primary care provider of EB01 L) is not a payer.
- Rejections: AAA code values only (AAA03 reason, AAA04 follow-up action), from the
  member's own loops and the source/receiver levels above it; ``explain`` says in plain
  words what to fix. The code descriptions belong to X12 and are not reproduced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rcmdesk.x12 import t271
from rcmdesk.x12.parser import Loop, Transaction
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.values import Name

ACTIVE_CODES = frozenset("12345")
INACTIVE_CODES = frozenset("678")
REMAINING_PERIODS = frozenset({"29", "33"})
FAMILY_LEVELS = frozenset({"FAM"})
ACTIVE, INACTIVE, REJECTED, UNKNOWN = "active", "inactive", "rejected", "unknown"
MONEY_CODES = {"B": "copay", "A": "coinsurance", "C": "deductible", "G": "oop"}

# In our own words: what the front desk should check or do for each AAA03 reason.
REJECTION_WORDS: dict[str, str] = {
    "04": "The payer says the number of inquiries allowed was exceeded.",
    "15": "Something the payer needs was left out of the request.",
    "41": "The payer does not let us ask for this patient or service.",
    "42": "The payer could not answer right now; ask again later.",
    "43": "The provider's identifier (NPI) was not accepted.",
    "44": "The provider's name was not accepted.",
    "50": "The provider is not set up with this payer to ask eligibility questions.",
    "51": "The payer has no record of this provider.",
    "57": "The visit date was missing or not accepted.",
    "58": "The date of birth was missing or does not match the payer's records.",
    "62": "The visit date is outside the period the payer answers for.",
    "63": "The payer will not answer for a visit date this far in the future.",
    "64": "The patient's identifier was missing or not accepted.",
    "65": "The patient's name was missing or not accepted.",
    "66": "The patient's sex was missing or not accepted.",
    "67": "The payer found no such patient.",
    "71": "The date of birth does not match the payer's records for this patient.",
    "72": "The member id was missing or is not valid for this payer.",
    "73": "The name was missing or does not match the payer's records.",
    "74": "The subscriber's sex was missing or not accepted.",
    "75": "The payer found no subscriber with these details.",
    "76": "The payer has the member id on file more than once.",
    "78": "The subscriber is not in the group or plan asked about.",
}


def explain(reason: str) -> str:
    """Plain words for an AAA03 value (the code itself is always shown next to them)."""
    return REJECTION_WORDS.get(reason, "The payer refused the request; read the code and "
                                       "check the patient and coverage details.")


@dataclass(frozen=True)
class Rejection:
    loop: str
    valid: str
    reason: str
    action: str

    @property
    def explanation(self) -> str:
        return explain(self.reason)

    def as_dict(self) -> dict[str, str]:
        return {"loop": self.loop, "valid": self.valid, "reason": self.reason,
                "action": self.action}


@dataclass
class Summary:
    """One service type's picture (see ``eligibility.models.BenefitSummary``)."""

    service_type: str
    status: str = UNKNOWN
    insurance_type: str = ""
    plan: str = ""
    copay_in: Decimal | None = None
    copay_out: Decimal | None = None
    coinsurance_in: Decimal | None = None
    coinsurance_out: Decimal | None = None
    deductible_in_total: Decimal | None = None
    deductible_in_remaining: Decimal | None = None
    deductible_out_total: Decimal | None = None
    deductible_out_remaining: Decimal | None = None
    oop_in_total: Decimal | None = None
    oop_in_remaining: Decimal | None = None
    oop_out_total: Decimal | None = None
    oop_out_remaining: Decimal | None = None
    # slot name -> (family figure?, explicit network?) of the figure held, for ``_put``
    _held: dict[str, tuple[bool, bool]] = field(default_factory=dict, repr=False,
                                                compare=False)

    def amounts(self) -> dict[str, Decimal | None]:
        return {name: getattr(self, name) for name in AMOUNT_FIELDS}


AMOUNT_FIELDS = (
    "copay_in", "copay_out", "coinsurance_in", "coinsurance_out",
    "deductible_in_total", "deductible_in_remaining", "deductible_out_total",
    "deductible_out_remaining", "oop_in_total", "oop_in_remaining", "oop_out_total",
    "oop_out_remaining")


@dataclass(frozen=True)
class Answer:
    """What the payer said about one member (or about the whole request)."""

    digest: str
    trace: str = ""
    reference: str = ""
    payer_name: str = ""
    payer_identifier: str = ""
    member_id: str = ""
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    status: str = UNKNOWN
    plan: str = ""
    group_number: str = ""
    coverage_start: date | None = None
    coverage_end: date | None = None
    dates: dict[str, str] = field(default_factory=dict)
    rejections: tuple[Rejection, ...] = ()
    other_payers: tuple[str, ...] = ()
    summaries: tuple[Summary, ...] = ()

    def summary(self, service_type: str) -> Summary | None:
        return next((s for s in self.summaries if s.service_type == service_type), None)


@dataclass(frozen=True)
class _Eb:
    benefit: t271.Benefit
    names: tuple[Name, ...]  # 2120 NM1s under this EB


def answers(tx: Transaction) -> list[Answer]:
    """Every member's answer in one 271 transaction set."""
    root = tx.root
    bht = root.first("BHT")
    reference = bht.get(3) if bht is not None else ""
    source = _first_name(root, "2100A")
    members = [lp for lp in root.walk() if lp.id in ("2000C", "2000D")]
    leaves = [lp for lp in members if lp.id == "2000D" or not lp.children("2000D")]
    if not leaves:
        return [_refused(tx, root, reference, source)]
    return [_answer(tx, level, reference, source) for level in leaves]


def _refused(tx: Transaction, root: Loop, reference: str, source: Name | None) -> Answer:
    rejections = tuple(_rejections(root.walk()))
    return Answer(_digest(reference, source, _segments(root)), reference=reference,
                  payer_name=source.last if source else "",
                  payer_identifier=source.id if source else "",
                  status=REJECTED if rejections else UNKNOWN, rejections=rejections)


def _answer(tx: Transaction, level: Loop, reference: str, source: Name | None) -> Answer:
    name_loop = _child(level, "2100C", "2100D")
    subscriber = _subscriber_name(level)
    nm = Name.of(name_loop.first("NM1")) if name_loop is not None else None
    dmg = name_loop.first("DMG") if name_loop is not None else None
    ebs = list(_benefits(name_loop, tx.file)) if name_loop is not None else []
    rejections = tuple(_rejections(_ancestors(level)))
    if name_loop is not None:
        rejections += tuple(_rejections(name_loop.walk()))
    dates = _dates(name_loop)
    start, end = _coverage_dates(dates)
    member_id = (nm.id if nm is not None and nm.id else "") or (subscriber.id if subscriber
                                                                 else "")
    summaries = summarise(ebs)
    status = _overall(ebs, rejections)
    trace_segments = _segments(level)
    return Answer(
        _digest(reference, source, trace_segments + [s for lp in _ancestors(level)
                                                      for s in lp.all("AAA")]),
        trace=_trace(level), reference=reference,
        payer_name=source.last if source else "", payer_identifier=source.id if source else "",
        member_id=member_id, last_name=nm.last if nm else "", first_name=nm.first if nm else "",
        birth_date=parse_date(dmg.get(2)) if dmg is not None else None,
        status=status, plan=_plan(ebs, name_loop), group_number=_group(name_loop),
        coverage_start=start, coverage_end=end, dates=dates, rejections=rejections,
        other_payers=_other_payers(ebs), summaries=summaries)


def summarise(ebs: Iterable[_Eb]) -> tuple[Summary, ...]:
    """One Summary per service type named by any status or money EB."""
    by_type: dict[str, Summary] = {}
    statuses: dict[str, str] = {}
    for eb in ebs:
        b = eb.benefit
        code = b.status
        if code not in ACTIVE_CODES | INACTIVE_CODES and code not in MONEY_CODES:
            continue
        for st in b.service_types or ("30",):
            summary = by_type.setdefault(st, Summary(st))
            summary.insurance_type = summary.insurance_type or b.insurance_type
            summary.plan = summary.plan or b.plan
            if code in ACTIVE_CODES:
                statuses[st] = ACTIVE
            elif code in INACTIVE_CODES:
                statuses.setdefault(st, INACTIVE)
            else:
                _add_amount(summary, b)
    for st, summary in by_type.items():
        summary.status = statuses.get(st) or statuses.get("30") or UNKNOWN
    return tuple(by_type.values())


def _add_amount(summary: Summary, b: t271.Benefit) -> None:
    measure = MONEY_CODES[b.status]
    value = b.percent if measure == "coinsurance" else b.amount
    if value is None:
        return
    value = value if measure == "coinsurance" else value.quantize(Decimal("0.01"))
    networks = {"Y": ("in",), "N": ("out",)}.get(b.in_network, ("in", "out"))
    explicit = b.in_network in ("Y", "N")
    family = b.coverage_level in FAMILY_LEVELS
    for network in networks:
        slot = f"{measure}_{network}"
        if measure in ("deductible", "oop"):
            slot += "_remaining" if b.period in REMAINING_PERIODS else "_total"
        _put(summary, slot, value, explicit=explicit, family=family)


def _put(summary: Summary, slot: str, value: Decimal, *, explicit: bool, family: bool) -> None:
    """First figure wins, except: an explicit network beats a both-networks one, and an
    individual figure beats a family one."""
    held = summary._held.get(slot)
    if held is not None:
        held_family, held_explicit = held
        if not ((held_family and not family) or (explicit and not held_explicit)):
            return
    setattr(summary, slot, value)
    summary._held[slot] = (family, explicit)


def _overall(ebs: list[_Eb], rejections: tuple[Rejection, ...]) -> str:
    codes = {eb.benefit.status for eb in ebs}
    if codes & ACTIVE_CODES:
        return ACTIVE
    if codes & INACTIVE_CODES:
        return INACTIVE
    return REJECTED if rejections else UNKNOWN


def _plan(ebs: list[_Eb], name_loop: Loop | None) -> str:
    for eb in ebs:
        if eb.benefit.status in ACTIVE_CODES | INACTIVE_CODES and eb.benefit.plan:
            return eb.benefit.plan
    ref = _ref(name_loop, "18")
    return ref or next((eb.benefit.plan for eb in ebs if eb.benefit.plan), "")


def _group(name_loop: Loop | None) -> str:
    return _ref(name_loop, "6P") or _ref(name_loop, "IG")


def _ref(loop: Loop | None, qualifier: str) -> str:
    if loop is None:
        return ""
    seg = loop.first("REF", qualifier)
    if seg is None:
        return ""
    return seg.get(2) or seg.get(3)


def _other_payers(ebs: list[_Eb]) -> tuple[str, ...]:
    out: list[str] = []
    for eb in ebs:
        if eb.benefit.status != "R":
            continue
        names = [n.last for n in eb.names if n.last] or [eb.benefit.plan or "other payer"]
        out.extend(n for n in names if n not in out)
    return tuple(out)


def _benefits(name_loop: Loop, file: str) -> Iterator[_Eb]:
    for loop in name_loop.loops:
        if loop.id not in ("2110C", "2110D"):
            continue
        eb = loop.first("EB")
        if eb is None:
            continue
        names = tuple(n for lp in loop.loops if lp.id in ("2120C", "2120D")
                      if (n := Name.of(lp.first("NM1"))) is not None)
        yield _Eb(t271.benefit(eb, file), names)


def _rejections(loops: Iterable[Loop]) -> Iterator[Rejection]:
    for loop in loops:
        for aaa in loop.all("AAA"):
            yield Rejection(loop.id, aaa.get(1), aaa.get(3), aaa.get(4))


def _ancestors(level: Loop) -> list[Loop]:
    """The levels above a member and their name loops (source, receiver, subscriber)."""
    out: list[Loop] = []
    parent = level.parent
    while parent is not None:
        out.append(parent)
        out.extend(lp for lp in parent.loops if lp.id in ("2100A", "2100B", "2100C"))
        parent = parent.parent
    return out


def _child(level: Loop, *ids: str) -> Loop | None:
    return next((lp for lp in level.loops if lp.id in ids), None)


def _subscriber_name(level: Loop) -> Name | None:
    if level.id != "2000D" or level.parent is None:
        return None
    name_loop = _child(level.parent, "2100C")
    return Name.of(name_loop.first("NM1")) if name_loop is not None else None


def _trace(level: Loop) -> str:
    """Our TRN02 as echoed (TRN01 2, "referenced"); a payer's own trace (TRN01 1) is not."""
    trns = level.all("TRN")
    echoed = [t for t in trns if t.get(1) == "2"]
    return (echoed or trns)[0].get(2) if trns else ""


def _first_name(root: Loop, loop_id: str) -> Name | None:
    return next((Name.of(lp.first("NM1")) for lp in root.walk() if lp.id == loop_id), None)


def _dates(name_loop: Loop | None) -> dict[str, str]:
    if name_loop is None:
        return {}
    return {seg.get(1): seg.get(3) for seg in name_loop.all("DTP")}


def _coverage_dates(dates: dict[str, str]) -> tuple[date | None, date | None]:
    """Plan begin/end (346/347), else eligibility begin/end (356/357), else the plan (291)
    or eligibility (307) period."""
    starts, ends = [dates.get("346"), dates.get("356")], [dates.get("347"), dates.get("357")]
    for q in ("291", "307"):
        if q in dates:
            first, _, last = dates[q].partition("-")
            starts.append(first)
            ends.append(last or None)
    start = next((d for v in starts if v and (d := parse_date(v))), None)
    end = next((d for v in ends if v and (d := parse_date(v))), None)
    return start, end


def parse_date(value: str) -> date | None:
    """CCYYMMDD as a date (None when blank or not a real date)."""
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8])) if len(value) >= 8 \
            else None
    except ValueError:
        return None


def _segments(loop: Loop) -> list[Segment]:
    out: list[Segment] = []
    for item in loop.items:
        if isinstance(item, Segment):
            out.append(item)
        else:
            out.extend(_segments(item))
    return out


def _digest(reference: str, source: Name | None, segments: list[Segment]) -> str:
    """What the payer said, independent of the envelope it came in."""
    h = hashlib.sha256()
    h.update(f"{reference}|{source.id if source else ''}|".encode())
    for seg in segments:
        h.update("*".join(seg.elements).encode())
        h.update(b"~")
    return h.hexdigest()
