"""Build transaction sets from typed objects (837P/837I, 835, 270, 276, 278, 999).

Each ``build_*`` returns a ``TransactionBody``; ``write_interchange`` wraps bodies in
envelopes. Parsing what a builder wrote gives back equal typed objects (tested on every
sample of these sets), which is what lets generators and re-billing use the typed layer
without ever touching segment syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import groupby

from rcmdesk.x12 import t270, t271, t276, t277, t278, t835, t837, t999
from rcmdesk.x12.values import Address, DateRef, Name
from rcmdesk.x12.writer import Elements, TransactionBody, amount

# BHT04/BHT05 default to a fixed instant so that generated files are reproducible.
DEFAULT_DATE = "20260101"
DEFAULT_TIME = "1200"


def name(entity: str, who: Name | None) -> Elements:
    """NM1 from a Name; its own entity code wins (e.g. 1P or FA requester), else ``entity``."""
    n = who or Name()
    return [
        "NM1",
        n.entity or entity,
        n.entity_type,
        n.last,
        n.first,
        n.middle,
        "",
        n.suffix,
        n.id_qualifier,
        n.id,
    ]


def address(where: Address | None) -> list[Elements]:
    """N3/N4 for an address, nothing when unknown."""
    if where is None:
        return []
    return [["N3", where.line1, where.line2], ["N4", where.city, where.state, where.postal_code]]


def dtp(ref: DateRef) -> Elements:
    return ["DTP", ref.qualifier, ref.format, ref.value]


def dtm(ref: DateRef) -> Elements:
    return ["DTM", ref.qualifier, ref.value]


def composite(parts: Sequence[str]) -> tuple[str, ...]:
    """A composite element, joined with the envelope's component separator on output."""
    return tuple(parts)


def _runs[T, K](items: Sequence[T], key: Callable[[T], K]) -> Iterator[tuple[K, list[T]]]:
    """Consecutive runs of items sharing ``key`` (equality, not hashing)."""
    for value, group in groupby(items, key=key):
        yield value, list(group)


# --- 837 -------------------------------------------------------------------------


def build_837(
    sub: t837.ClaimSubmission, *, date: str = DEFAULT_DATE, time: str = DEFAULT_TIME
) -> TransactionBody:
    """An 837P or 837I from a ClaimSubmission."""
    version = "005010X223A2" if sub.kind == "I" else "005010X222A1"
    segs: list[Elements] = [
        ["BHT", "0019", "00", sub.reference or "0", date, time, "CH"],
        name("41", sub.submitter),
        ["PER", "IC", sub.contact_name or "BILLING", "TE", sub.contact_phone or "0000000000"],
        name("40", sub.receiver),
    ]
    counter = _Counter()
    for billing, by_provider in _runs(sub.claims, lambda c: c.billing_provider):
        provider_hl = counter.next()
        segs.append(["HL", provider_hl, "", "20", "1"])
        segs.extend(_provider(billing))
        for subscriber, by_subscriber in _runs(by_provider, lambda c: c.subscriber):
            segs.extend(
                _subscriber_level(counter, provider_hl, subscriber, by_subscriber, sub.kind)
            )
    return TransactionBody("837", version, "HC", sub.control or "0001", segs)


# TRN03 of an echoed trace whose originator the request did not give: the 10-character
# shape the TR3s require ("9" + an assigned identifier).
UNKNOWN_ORIGINATOR = "9000000000"


class _Counter:
    """HL01 numbering."""

    def __init__(self, start: int = 0) -> None:
        self.value = start

    def next(self) -> str:
        self.value += 1
        return str(self.value)


def _source_and_receiver(source: Elements, receiver: Elements) -> list[Elements]:
    """HL 1 (information source) and HL 2 (information receiver) with their names: how
    the 270, 276 and 278 all open their hierarchy.
    """
    return [["HL", "1", "", "20", "1"], source, ["HL", "2", "1", "21", "1"], receiver]


def _provider(p: t837.Provider) -> list[Elements]:
    segs: list[Elements] = []
    if p.taxonomy:
        segs.append(["PRV", "BI", "PXC", p.taxonomy])
    segs.append(name("85", p.name))
    segs.extend(address(p.address))
    if p.tax_id:
        segs.append(["REF", p.tax_id_qualifier or "EI", p.tax_id])
    return segs


def _subscriber_level(
    counter: _Counter, parent: str, s: t837.Subscriber, claims: list[t837.Claim], kind: str
) -> list[Elements]:
    own = [c for c in claims if c.patient is None]
    dependents = [c for c in claims if c.patient is not None]
    hl = counter.next()
    segs: list[Elements] = [
        ["HL", hl, parent, "22", "1" if dependents else "0"],
        [
            "SBR",
            s.responsibility,
            s.relationship,
            s.group_number,
            "",
            "",
            "",
            "",
            "",
            s.filing_indicator,
        ],
        name("IL", s.name),
        *address(s.address),
    ]
    if s.birth_date or s.gender:
        segs.append(["DMG", "D8", s.birth_date, s.gender])
    segs.append(name("PR", s.payer))
    for claim in own:
        segs.extend(_claim(claim, kind))
    for patient, group in _runs(dependents, lambda c: c.patient):
        assert patient is not None
        segs.append(["HL", counter.next(), hl, "23", "0"])
        segs.append(["PAT", patient.relationship])
        segs.append(name("QC", patient.name))
        segs.extend(address(patient.address))
        if patient.birth_date or patient.gender:
            segs.append(["DMG", "D8", patient.birth_date, patient.gender])
        for claim in group:
            segs.extend(_claim(claim, kind))
    return segs


def _claim(c: t837.Claim, kind: str) -> list[Elements]:
    facility = composite([c.facility_code, c.facility_qualifier, c.frequency])
    signature = "" if kind == "I" else "Y"  # CLM06 is not used in the 837I
    clm: Elements = ["CLM", c.patient_control_number, amount(c.charge), "", "", facility]
    segs: list[Elements] = [[*clm, signature, "A", "Y", "Y"]]
    segs.extend(dtp(d) for d in c.dates)
    if kind == "I":
        segs.append(["CL1", c.admission_type, c.admission_source, c.patient_status])
    if c.prior_authorization:
        segs.append(["REF", "G1", c.prior_authorization])
    segs.extend(_hi(c.diagnoses, kind))
    for line in c.lines:
        segs.extend(_line(line, kind))
    return segs


# 837I HI segments in guide order, by the code-list qualifiers each may carry, with
# how many composites fit one segment (principal and admitting diagnosis: one).
_INSTITUTIONAL_HI: tuple[tuple[frozenset[str], int], ...] = (
    (frozenset({"ABK", "BK"}), 1),
    (frozenset({"ABJ", "BJ"}), 1),
    (frozenset({"APR", "PR"}), 3),
    (frozenset({"ABN", "BN"}), 12),
    (frozenset({"DR"}), 1),
    (frozenset({"ABF", "BF"}), 12),
    (frozenset({"BBR", "BR", "CAH"}), 1),
    (frozenset({"BBQ", "BQ"}), 12),
    (frozenset({"BI"}), 12),
    (frozenset({"BH"}), 12),
    (frozenset({"BE"}), 12),
    (frozenset({"BG"}), 12),
    (frozenset({"TC"}), 12),
)
_INSTITUTIONAL_KNOWN = frozenset().union(*(q for q, _ in _INSTITUTIONAL_HI))


def _hi(diagnoses: Sequence[t837.Diagnosis], kind: str) -> list[Elements]:
    """HI segments: the 837P takes up to 12 codes a segment in order; the 837I wants one
    segment per kind of code (principal, admitting, other ...) in the guide's order.
    """
    if kind != "I":
        groups = [list(diagnoses)]
        sizes = [12]
    else:
        groups = [[d for d in diagnoses if d.qualifier in q] for q, _ in _INSTITUTIONAL_HI]
        sizes = [size for _, size in _INSTITUTIONAL_HI]
        groups.append([d for d in diagnoses if d.qualifier not in _INSTITUTIONAL_KNOWN])
        sizes.append(12)
    segs: list[Elements] = []
    for group, size in zip(groups, sizes, strict=True):
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            segs.append(["HI", *(composite([d.qualifier, d.code]) for d in chunk)])
    return segs


def _line(line: t837.ServiceLine, kind: str) -> list[Elements]:
    service: Elements
    if kind == "I":
        service = [
            "SV2",
            line.revenue_code,
            composite(line.procedure),
            amount(line.charge),
            line.unit_basis,
            amount(line.units),
        ]
    else:
        service = [
            "SV1",
            composite(line.procedure),
            amount(line.charge),
            line.unit_basis,
            amount(line.units),
            line.place_of_service,
            "",
            composite(line.diagnosis_pointers),
        ]
    segs: list[Elements] = [["LX", line.number], service, *(dtp(d) for d in line.dates)]
    if line.control_number:
        segs.append(["REF", "6R", line.control_number])
    return segs


# --- 835 -------------------------------------------------------------------------


def build_835(r: t835.Remittance) -> TransactionBody:
    """An 835 from a Remittance."""
    p = r.payment
    bpr: Elements = [
        "BPR",
        p.handling,
        amount(p.amount),
        p.credit_debit,
        p.method,
        p.format,
        *p.bpr06_to_15(),
        p.date,
    ]
    segs: list[Elements] = [bpr, ["TRN", "1", r.trace, r.trace_originator]]
    for entity, party in (("PR", r.payer), ("PE", r.payee)):
        if party is not None:
            segs.append(["N1", entity, party.name, party.id_qualifier, party.id])
            segs.extend(address(party.address))
            segs.extend(["PER", *contact] for contact in party.contacts)
    if r.claims:
        segs.append(["LX", "1"])
    for claim in r.claims:
        segs.extend(_clp(claim))
    segs.extend(_plb(r.provider_adjustments))
    return TransactionBody("835", "005010X221A1", "HP", r.control or "0001", segs)


def cas(adjustments: Sequence[t835.Adjustment]) -> list[Elements]:
    """CAS segments: one per consecutive group code, up to six triplets each."""
    segs: list[Elements] = []
    for group, items in _runs(adjustments, lambda a: a.group):
        for start in range(0, len(items), 6):
            seg: Elements = ["CAS", group]
            for a in items[start : start + 6]:
                seg += [a.reason, amount(a.amount), amount(a.quantity)]
            segs.append(seg)
    return segs


def _clp(c: t835.Claim) -> list[Elements]:
    segs: list[Elements] = [
        [
            "CLP",
            c.patient_control_number,
            c.status,
            amount(c.charge),
            amount(c.paid),
            amount(c.patient_responsibility),
            c.filing_indicator,
            c.payer_claim_control_number,
            c.facility_type,
            c.frequency,
        ],
        *cas(c.adjustments),
    ]
    for entity, who in (("QC", c.patient), ("IL", c.insured), ("TT", c.crossover)):
        if who is not None:
            segs.append(name(entity, who))
    segs.extend(dtm(d) for d in c.dates)
    segs.extend(["AMT", q, amount(v)] for q, v in c.amounts)
    for line in c.lines:
        segs.append(
            [
                "SVC",
                composite(line.procedure),
                amount(line.charge),
                amount(line.paid),
                line.revenue_code,
                amount(line.units),
                composite(line.original_procedure),
                amount(line.original_units),
            ]
        )
        segs.extend(dtm(d) for d in line.dates)
        segs.extend(cas(line.adjustments))
        if line.control_number:
            segs.append(["REF", "6R", line.control_number])
        segs.extend(["AMT", q, amount(v)] for q, v in line.amounts)
        segs.extend(["LQ", q, code] for q, code in line.remarks)
    return segs


def _plb(items: Sequence[t835.ProviderAdjustment]) -> list[Elements]:
    segs: list[Elements] = []
    for (provider, fiscal), group in _runs(items, lambda a: (a.provider_id, a.fiscal_date)):
        for start in range(0, len(group), 6):
            seg: Elements = ["PLB", provider, fiscal]
            for a in group[start : start + 6]:
                seg += [
                    composite([a.reason, a.reference] if a.reference else [a.reason]),
                    amount(a.amount),
                ]
            segs.append(seg)
    return segs


# --- 278 request/response ---------------------------------------------------------


def build_278(
    review: t278.ServicesReview, *, date: str = DEFAULT_DATE, time: str = DEFAULT_TIME
) -> TransactionBody:
    """A 278 from a ServicesReview: UMO, requester, subscriber, then event/service levels."""
    segs: list[Elements] = [
        [
            "BHT",
            "0007",
            "11" if review.response else "13",
            review.control or "0",
            date,
            time,
        ]
    ]
    segs += _source_and_receiver(name("X3", review.umo), name("1P", review.requester))
    segs += [["HL", "3", "2", "22", "1"], name("IL", review.subscriber)]
    event = "3"
    for n, item in enumerate(review.reviews, start=4):
        code = "EV" if item.level == "2000E" else "SS"
        parent = "3" if code == "EV" else event
        if code == "EV":
            event = str(n)
        segs.append(["HL", str(n), parent, code, "1"])
        segs.extend(_review(item))
    return TransactionBody("278", "005010X217", "HI", review.control or "0001", segs)


def _review(r: t278.Review) -> list[Elements]:
    segs: list[Elements] = []
    if r.trace:
        segs.append(["TRN", "1", r.trace, r.trace_originator])
    segs.extend(["AAA", "N", "", code] for code in r.rejections)
    segs.append(
        ["UM", r.request_category, r.certification_type, r.service_type, composite(r.facility)]
    )
    if r.decision:
        segs.append(["HCR", r.decision, r.certification_number, r.reason])
    elif r.certification_number:
        segs.append(["REF", "BB", r.certification_number])
    segs.extend(dtp(d) for d in r.dates)
    if r.units_qualifier or r.units is not None:
        segs.append(["HSD", r.units_qualifier, amount(r.units)])
    return segs


# --- 999 -------------------------------------------------------------------------


def build_999(ack: t999.Acknowledgment) -> TransactionBody:
    """A 999 from an Acknowledgment."""
    segs: list[Elements] = [["AK1", ack.functional_id, ack.group_control, ack.version]]
    for item in ack.sets:
        segs.append(["AK2", item.set_id, item.control, item.version])
        for error in item.errors:
            segs.append(["IK3", error.segment_id, error.position, error.loop, error.code])
            segs.extend(
                ["IK4", composite(e.position), e.reference, e.code, e.value] for e in error.elements
            )
        segs.append(["IK5", item.status, *item.codes])
    segs.append(["AK9", ack.group_status, ack.included, ack.received, ack.accepted_count])
    return TransactionBody("999", "005010X231A1", "FA", ack.control or "0001", segs)


# --- 270 -------------------------------------------------------------------------


def build_270(
    inquiry: t270.EligibilityInquiry, *, date: str = DEFAULT_DATE, time: str = DEFAULT_TIME
) -> TransactionBody:
    """A 270 from an EligibilityInquiry."""
    segs: list[Elements] = [
        ["BHT", "0022", "13", inquiry.reference or "0", date, time],
        *_source_and_receiver(name("PR", inquiry.source), name("1P", inquiry.receiver)),
    ]
    counter = _Counter(start=2)
    for member in inquiry.subscribers:
        hl = counter.next()
        segs.append(["HL", hl, "2", "22", "1" if member.dependents else "0"])
        segs.extend(_inquiry_member(member, "IL"))
        for dependent in member.dependents:
            segs.append(["HL", counter.next(), hl, "23", "0"])
            segs.extend(_inquiry_member(dependent, "03"))
    return TransactionBody("270", "005010X279A1", "HS", inquiry.control or "0001", segs)


def _inquiry_member(m: t270.InquiryMember, entity: str) -> list[Elements]:
    segs: list[Elements] = []
    if m.trace:
        segs.append(["TRN", "1", m.trace, m.trace_originator])
    segs.append(name(entity, m.name))
    if m.birth_date or m.gender:
        segs.append(["DMG", "D8", m.birth_date, m.gender])
    segs.extend(dtp(d) for d in m.dates)
    segs.extend(["EQ", code] for code in m.service_types)
    return segs


# --- 276 -------------------------------------------------------------------------


def build_276(
    req: t276.StatusRequest, *, date: str = DEFAULT_DATE, time: str = DEFAULT_TIME
) -> TransactionBody:
    """A 276 from a StatusRequest."""
    segs: list[Elements] = [
        ["BHT", "0010", "13", req.reference or "0", date, time],
        *_source_and_receiver(name("PR", req.payer), name("41", req.receiver)),
    ]
    counter = _Counter(start=2)
    for provider in req.providers:
        provider_hl = counter.next()
        segs.append(["HL", provider_hl, "2", "19", "1"])
        segs.append(name("1P", provider.name))
        for person in provider.subscribers:
            hl = counter.next()
            segs.append(["HL", hl, provider_hl, "22", "1" if person.dependents else "0"])
            segs.extend(_status_person(person, "IL"))
            for dependent in person.dependents:
                segs.append(["HL", counter.next(), hl, "23"])
                segs.extend(_status_person(dependent, "QC"))
    return TransactionBody("276", "005010X212", "HR", req.control or "0001", segs)


def _status_person(p: t276.Person, entity: str) -> list[Elements]:
    segs: list[Elements] = []
    if p.birth_date or p.gender:
        segs.append(["DMG", "D8", p.birth_date, p.gender])
    segs.append(name(entity, p.name))
    for claim in p.claims:
        segs.append(["TRN", "1", claim.trace])
        segs.extend(["REF", q, v] for q, v in claim.references)
        if claim.charge is not None:
            segs.append(["AMT", "T3", amount(claim.charge)])
        segs.extend(dtp(d) for d in claim.dates)
        for service in claim.services:
            segs.append(
                [
                    "SVC",
                    composite(service.procedure),
                    amount(service.charge),
                    "",
                    "",
                    "",
                    "",
                    amount(service.units),
                ]
            )
            segs.extend(dtp(d) for d in service.dates)
    return segs


# --- 271 and 277 (answers, for the clearinghouse simulator) ---------------------------
#
# The typed views of these answers keep what posting and the visit page read, not the whole
# tree, so the builders take the rest as keywords: the 271's BHT03 and each member's echoed
# trace (TRN02), the 277's payer, receiver and provider names. Parsing what they write gives
# back an equal typed object.


def build_271(
    response: t271.EligibilityResponse,
    *,
    reference: str = "",
    traces: Sequence[str] = (),
    originators: Sequence[str] = (),
    date: str = DEFAULT_DATE,
    time: str = DEFAULT_TIME,
) -> TransactionBody:
    """A 271 from an EligibilityResponse.

    ``traces`` are the TRN02 values echoed (TRN01 2), one per member in the order
    subscribers then dependents ("" for none), each with the TRN03 the 270 gave it
    (``originators``, same order): the TR3 returns the 270's trace segment whole, and TRN03
    is exactly ten characters ("1" + EIN or "9" + an identifier), so a stand-in of that
    shape is written when the originator is not known. HL01 counts 1, 2, 3... with no gap
    (TR3: "begin with 1 and be incremented by one each time an HL is used").

    The typed view does not say which subscriber a dependent or an AAA belongs to, so
    dependents go under the last subscriber and a member-level AAA on the first member of
    its level: exact for the one-member answers the simulator writes. An EB naming several
    service types is written as one EB per type, since the writer refuses the repetition
    separator inside a value.
    """
    members = (*response.subscribers, *response.dependents)
    echoed = list(zip(_padded(traces, len(members), ""),
                      _padded(originators, len(members), UNKNOWN_ORIGINATOR), strict=True))
    errors = _errors_by_loop(response.errors)
    segs: list[Elements] = [
        ["BHT", "0022", "11", reference, date, time],
        ["HL", "1", "", "20", "1"],
        *errors.get("2000A", []),
        name("PR", response.source),
        *errors.get("2100A", []),
        ["HL", "2", "1", "21", "1" if members else "0"],
        *errors.get("2000B", []),
        name("1P", response.receiver),
        *errors.get("2100B", []),
    ]
    counter = _Counter(start=2)
    last_subscriber = len(response.subscribers) - 1
    subscriber_hl = ""
    for index, member in enumerate(response.subscribers):
        subscriber_hl = counter.next()
        children = "1" if response.dependents and index == last_subscriber else "0"
        segs.append(["HL", subscriber_hl, "2", "22", children])
        segs.extend(_answer_member(member, "IL", echoed[index],
                                   errors if index == 0 else {}, "C"))
    for index, member in enumerate(response.dependents):
        segs.append(["HL", counter.next(), subscriber_hl, "23", "0"])
        position = len(response.subscribers) + index
        segs.extend(_answer_member(member, "03", echoed[position],
                                   errors if index == 0 else {}, "D"))
    return TransactionBody("271", "005010X279A1", "HB", response.control or "0001", segs)


def _errors_by_loop(errors: Sequence[t271.RequestError]) -> dict[str, list[Elements]]:
    out: dict[str, list[Elements]] = {}
    for error in errors:
        out.setdefault(error.loop, []).append(
            ["AAA", error.valid, "", error.reason, error.action])
    return out


def _padded(values: Sequence[str], size: int, fill: str) -> list[str]:
    return [value or fill for value in values] + [fill] * (size - len(values))


def _answer_member(m: t271.Member, entity: str, trace: tuple[str, str],
                   errors: dict[str, list[Elements]], level: str) -> list[Elements]:
    segs: list[Elements] = [*errors.get(f"2000{level}", [])]
    if trace[0]:
        segs.append(["TRN", "2", *trace])
    segs.append(name(entity, m.name))
    segs.extend(errors.get(f"2100{level}", []))
    if m.birth_date or m.gender:
        segs.append(["DMG", "D8", m.birth_date, m.gender])
    segs.extend(dtp(d) for d in m.dates)
    for b in m.benefits:
        for service_type in b.service_types or ("",):
            segs.append(["EB", b.status, b.coverage_level, service_type, b.insurance_type,
                         b.plan, b.period, amount(b.amount), amount(b.percent),
                         b.quantity_qualifier, amount(b.quantity), b.authorization_required,
                         b.in_network])
    return segs


def build_277(
    response: t277.StatusResponse,
    *,
    payer: Name | None = None,
    receiver: Name | None = None,
    provider: Name | None = None,
    reference: str = "",
    date: str = DEFAULT_DATE,
    time: str = DEFAULT_TIME,
) -> TransactionBody:
    """A 277 claim status answer (005010X212) from a StatusResponse, one subscriber level
    per claim under one provider (2000C), as payers answer a 276; each claim's
    ``patient_control_number`` is the trace it echoes (TRN02), its patient the 2100D name.

    A 277CA (``acknowledgment``) is written with the X214 guide, its level statuses on the
    source, receiver and provider levels (2200A-2200C), where that guide carries them.
    """
    levels = {level.loop: level.statuses for level in response.levels}
    segs: list[Elements] = [
        ["BHT", "0010", "08", reference or "0", date, time, "DG"],
        ["HL", "1", "", "20", "1"],
        name("PR", payer),
        *_level_status(levels.get("2200A", ()), reference, date),
        ["HL", "2", "1", "21", "1"],
        name("41", receiver),
        *_level_status(levels.get("2200B", ()), reference, date),
        ["HL", "3", "2", "19", "1" if response.claims else "0"],
        name("1P", provider),
        *_level_status(levels.get("2200C", ()), reference, date),
    ]
    counter = _Counter(start=3)  # HL01 counts on with no gap, as in the 271
    for claim in response.claims:
        segs.append(["HL", counter.next(), "3", "22", "0"])
        segs.append(name("IL", claim.patient))
        segs.append(["TRN", "2", claim.patient_control_number])
        segs.extend(_stc(s) for s in claim.statuses)
        if claim.payer_claim_control_number:
            segs.append(["REF", "1K", claim.payer_claim_control_number])
    if response.acknowledgment:
        return TransactionBody("277", "005010X214", "HN", response.control or "0001", segs)
    return TransactionBody("277", "005010X212", "HN", response.control or "0001", segs)


def _level_status(statuses: Sequence[t277.Status], reference: str,
                  date: str) -> list[Elements]:
    if not statuses:
        return []
    return [["TRN", "1", reference or "0"], *(_stc(s) for s in statuses)]


def _stc(s: t277.Status) -> Elements:
    return ["STC", composite([s.category, s.code, s.entity]), s.date, s.action,
            amount(s.charge), amount(s.paid)]
