"""The payer side of real-time inquiries: a 271 for each 270 member, a 277 for each 276 claim.

Pure Python (the X12 engine only), so the simulator's CORE endpoint and the tests can answer
without a database. The answer is a function of the question: the same member id always
gets the same coverage (mostly active, some inactive, a few not found), the same claim the
same status, so a demo can be repeated and a test can predict it. Our trace (TRN02) and the
request's reference (BHT03) are echoed, which is how our side finds its question again.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal

from rcmdesk.x12 import parse, t270, t271, t276, t277
from rcmdesk.x12.parser import Transaction
from rcmdesk.x12.values import Name
from rcmdesk.x12.writer import Envelope, TransactionBody, write_interchange
from rcmdesk.x12.writers import build_271, build_277

ACTIVE, INACTIVE, NOT_FOUND = "active", "inactive", "not_found"


def _bucket(key: str, size: int = 100) -> int:
    """A stable number in [0, size) for ``key`` (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % size


def coverage_of(member_id: str) -> str:
    """What the payer says about a member: 85% active, 10% inactive, 5% not found."""
    n = _bucket(f"member:{member_id}")
    return NOT_FOUND if n < 5 else INACTIVE if n < 15 else ACTIVE


def _envelope(request: Transaction, data: bytes, now: datetime) -> Envelope:
    """The answer's envelope: the request's parties swapped, an ISA13 of its own, the
    request's ISA15 (a test inquiry gets a test answer, as the clearinghouse's files do).

    The ISA13 comes from the request's bytes, so two different requests never share it (the
    receiver refuses a reused control number with different content) and one request always
    gets the same answer.
    """
    control = 1 + _bucket("isa:" + hashlib.sha256(data).hexdigest(), 999_999_998)
    ix = request.interchange
    return Envelope(sender=ix.receiver or "SIMPAYER", receiver=ix.sender or "RCMDESK",
                    date=f"{now:%Y%m%d}", time=f"{now:%H%M}", interchange_control=control,
                    group_control=control, delimiters=ix.delimiters,
                    usage=ix.segment.get(15).strip() or "P")


# --- 270 -> 271 ------------------------------------------------------------------------


def answer_270(data: bytes, *, now: datetime) -> bytes:
    """A 271 interchange answering every member asked about in ``data`` (one set each)."""
    txs = [tx for tx in parse(data) if tx.set_id == "270"]
    if not txs:
        raise ValueError("no 270 in the request")
    bodies: list[TransactionBody] = []
    for tx in txs:
        inquiry = t270.inquiry(tx)
        for subscriber in inquiry.subscribers:
            bodies.append(_answer_member(inquiry, subscriber, len(bodies) + 1, now))
    return write_interchange(bodies, _envelope(txs[0], data, now))


def _answer_member(inquiry: t270.EligibilityInquiry, subscriber: t270.InquiryMember,
                   number: int, now: datetime) -> TransactionBody:
    """One 271 set for a subscriber and its dependents; the one who carries the trace (the
    patient) carries the benefits."""
    coverage = coverage_of(subscriber.name.id)
    errors: tuple[t271.RequestError, ...] = ()
    if coverage == NOT_FOUND:  # AAA 75: subscriber/insured not found; C: correct, resubmit
        errors = (t271.RequestError("2100C", "N", "75", "C"),)
    patient = subscriber.dependents[0] if subscriber.dependents else subscriber
    asked = [subscriber, *subscriber.dependents[:1]]
    traces, originators = [m.trace for m in asked], [m.trace_originator for m in asked]
    plan = (_benefits(subscriber.name.id, coverage, now)
            if coverage != NOT_FOUND else ())
    sub = _member(subscriber, plan if patient is subscriber else ())
    deps = (_member(patient, plan),) if patient is not subscriber else ()
    response = t271.EligibilityResponse(f"{number:04d}", inquiry.source, inquiry.receiver,
                                        (sub,), deps, errors)
    return build_271(response, reference=inquiry.reference, traces=traces,
                     originators=originators,
                     date=f"{now:%Y%m%d}", time=f"{now:%H%M}")


def _member(asked: t270.InquiryMember, benefits: tuple[t271.Benefit, ...]) -> t271.Member:
    name = asked.name
    echoed = Name(name.entity, name.entity_type, name.last, name.first, name.middle,
                  name.suffix, name.id_qualifier, name.id)
    return t271.Member(echoed, asked.birth_date, asked.gender, (), benefits)


def _benefits(member_id: str, coverage: str, now: datetime) -> tuple[t271.Benefit, ...]:
    """Active: the plan, a deductible, coinsurance and an office-visit copay, amounts set by
    the member id; inactive: EB 6 alone."""
    if coverage == INACTIVE:
        return (t271.Benefit("6", "IND", ("30",)),)
    n = _bucket(f"plan:{member_id}", 4)
    plan = ("BRONZE PPO", "SILVER PPO", "GOLD HMO", "PLATINUM PPO")[n]
    deductible = Decimal(("3000.00", "1500.00", "750.00", "250.00")[n])
    return (
        t271.Benefit("1", "IND", ("30",), "C1", plan),
        t271.Benefit("C", "IND", ("30",), period="23", amount=deductible, in_network="Y"),
        t271.Benefit("A", "IND", ("30",), percent=Decimal("0.2"), in_network="Y"),
        t271.Benefit("B", "IND", ("98",), period="27", amount=Decimal("25.00"),
                     in_network="Y"),
    )


# --- 276 -> 277 ------------------------------------------------------------------------

# (category, status): where the simulated payer says a claim stands, by share of claims.
_CLAIM_STATUSES = (
    (45, ("F1", "1")),  # finalized, paid: see the remittance
    (20, ("P1", "20")),  # pending, in process
    (15, ("A2", "20")),  # accepted into adjudication
    (8, ("F2", "88")),  # finalized, denied
    (7, ("P3", "21")),  # pending, provider asked for information
    (5, ("A4", "35")),  # not found
)


def status_of(key: str) -> tuple[str, str]:
    """Where the payer says the claim ``key`` (its control number) stands, stably."""
    n = _bucket(f"claim:{key}")
    for share, status in _CLAIM_STATUSES:
        if n < share:
            return status
        n -= share
    return _CLAIM_STATUSES[0][1]


def answer_276(data: bytes, *, now: datetime) -> bytes:
    """A 277 interchange answering every claim asked about in ``data`` (one set per 276)."""
    txs = [tx for tx in parse(data) if tx.set_id == "276"]
    if not txs:
        raise ValueError("no 276 in the request")
    bodies = [_answer_request(t276.request(tx), n, now) for n, tx in enumerate(txs, start=1)]
    return write_interchange(bodies, _envelope(txs[0], data, now))


def _answer_request(request: t276.StatusRequest, number: int, now: datetime
                    ) -> TransactionBody:
    claims: list[t277.ClaimStatus] = []
    provider: Name | None = None
    for inquiry in request.providers:
        provider = provider or _identified(inquiry.name, "SV")
        for person in inquiry.subscribers:
            for asked in (*person.claims,
                          *(c for d in person.dependents for c in d.claims)):
                claims.append(_claim(_identified(person.name, "MI"), asked, now))
    response = t277.StatusResponse(f"{number:04d}", False, (), tuple(claims))
    return build_277(response, payer=request.payer, receiver=request.receiver,
                     provider=provider, reference=request.reference,
                     date=f"{now:%Y%m%d}", time=f"{now:%H%M}")


def _identified(who: Name, qualifier: str) -> Name:
    """The name as asked, with an id the 277 guide requires where the 276 gave none (a
    payer answers with its own number for the party)."""
    if who.id:
        return who
    return Name(who.entity, who.entity_type, who.last, who.first, who.middle, who.suffix,
                qualifier, f"SIM{_bucket('id:' + who.last + who.first, 10**6):06d}")


def _claim(patient: Name, asked: t276.ClaimInquiry, now: datetime) -> t277.ClaimStatus:
    refs = dict(asked.references)
    key = refs.get("EJ") or refs.get("1K") or asked.trace
    category, code = status_of(key)
    charge = asked.charge if asked.charge is not None else Decimal("0.00")
    paid = (charge * Decimal("0.8")).quantize(Decimal("0.01")) if category == "F1" else None
    status = t277.Status(category, code, "", f"{now:%Y%m%d}", "", charge,
                         paid if paid is not None else (Decimal("0.00")
                                                        if category == "F2" else None))
    payer_number = f"SIM{_bucket('pcn:' + key, 10**9):09d}" if category != "A4" else ""
    return t277.ClaimStatus(asked.trace, payer_number, (status,), charge, patient)


