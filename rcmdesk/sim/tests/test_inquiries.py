"""The simulated payer answers each 270 member and each 276 claim, echoing our traces, and
gives the same question the same answer."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from rcmdesk.sim.inquiries import (
    ACTIVE,
    INACTIVE,
    NOT_FOUND,
    answer_270,
    answer_276,
    coverage_of,
)
from rcmdesk.x12 import parse, t270, t271, t276, t277
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_270, build_276

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
PAYER = Name("PR", "2", "ABC COMPANY", id_qualifier="PI", id="841610001")
CLINIC = Name("1P", "2", "CLINIC", id_qualifier="XX", id="1234567893")


def _member_with(coverage: str) -> str:
    return next(m for m in (f"M{n}" for n in range(1000)) if coverage_of(m) == coverage)


def _270(*member_ids: str) -> bytes:
    members = tuple(t270.InquiryMember(Name("IL", "1", "DOE", "JO", id_qualifier="MI", id=m),
                                       f"T{n}", "9000000001", "19800101", "F",
                                       (DateRef("291", "20260302", "D8"),), ("30",))
                    for n, m in enumerate(member_ids))
    body = build_270(t270.EligibilityInquiry("0001", "REF1", PAYER, CLINIC, members))
    return write_interchange([body], Envelope(sender="ACME", receiver="SIMPAYER",
                                              interchange_control=7, group_control=7))


def test_each_member_asked_about_gets_a_271_echoing_its_trace_and_the_reference():
    data = answer_270(_270(_member_with(ACTIVE), _member_with(INACTIVE),
                           _member_with(NOT_FOUND)), now=NOW)
    txs = list(parse(data))
    assert txs[0].interchange.sender == "SIMPAYER"
    assert txs[0].interchange.receiver == "ACME"
    answers = list(t271.responses(data))
    assert [a.active for a in answers] == [True, False, False]
    assert answers[2].errors == (t271.RequestError("2100C", "N", "75", "C"),)
    assert [s.split("*")[2] for s in data.decode().replace("\n", "").split("~")
            if s.startswith("TRN*2*")] == ["T0", "T1", "T2"]
    assert "BHT*0022*11*REF1" in data.decode()
    assert [f for f in validate(data, name="271") if f.severity is Severity.ERROR] == []


def test_the_same_question_gets_the_same_answer_and_another_gets_another_control_number():
    request = _270("M1")
    first, again = answer_270(request, now=NOW), answer_270(request, now=NOW)
    other = answer_270(_270("M2"), now=NOW)
    control = [next(iter(parse(d))).interchange.control for d in (first, again, other)]
    assert first == again
    assert control[0] == control[1] != control[2]


def test_each_claim_asked_about_gets_a_status_echoing_its_trace():
    claims = tuple(t276.ClaimInquiry(f"C{n}", (("EJ", f"PCN{n}"),), Decimal("100.00"))
                   for n in range(6))
    person = t276.Person(Name("IL", "1", "DOE", "JO", id_qualifier="MI", id="M1"),
                         "19800101", "F", claims)
    body = build_276(t276.StatusRequest("0001", "", PAYER,
                                        Name("41", "2", "ACME", id_qualifier="46", id="ACME"),
                                        (t276.ProviderInquiry(CLINIC, (person,)),)))
    data = answer_276(write_interchange([body], Envelope(sender="ACME")), now=NOW)
    (answer,) = list(t277.responses(data))
    assert [c.patient_control_number for c in answer.claims] == [f"C{n}" for n in range(6)]
    assert all(c.statuses[0].category in {"F1", "P1", "A2", "F2", "P3", "A4"}
               for c in answer.claims)
    assert [f for f in validate(data, name="277") if f.severity is Severity.ERROR] == []
