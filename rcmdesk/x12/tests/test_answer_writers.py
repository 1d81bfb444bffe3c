"""The 271 and 277 builders: what they write parses back to the typed answer it was
built from, carries the traces it was given, and passes our validator."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.x12 import t271, t277
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_271, build_277

PAYER = Name("PR", "2", "ABC COMPANY", id_qualifier="PI", id="841610001")
CLINIC = Name("1P", "2", "BONE AND JOINT CLINIC", id_qualifier="XX", id="1234567893")


def _active() -> t271.EligibilityResponse:
    member = t271.Member(
        Name("IL", "1", "SMITH", "JOHN", id_qualifier="MI", id="123456789"), "19630519", "M",
        (DateRef("346", "20260101", "D8"),),
        (t271.Benefit("1", "IND", ("30",), "C1", "GOLD PLAN"),
         t271.Benefit("C", "IND", ("30",), period="23", amount=Decimal("500.00"),
                      in_network="Y"),
         t271.Benefit("A", "IND", ("30",), percent=Decimal("0.2"))))
    dependent = t271.Member(Name("03", "1", "SMITH", "JANE"), "20100101", "F", (),
                            (t271.Benefit("1", "FAM", ("30",)),))
    return t271.EligibilityResponse("0001", PAYER, CLINIC, (member,), (dependent,), ())


def _not_found() -> t271.EligibilityResponse:
    member = t271.Member(Name("IL", "1", "DOE", "JAN", id_qualifier="MI", id="999"))
    return t271.EligibilityResponse("0002", PAYER, CLINIC, (member,), (),
                                    (t271.RequestError("2100C", "N", "75", "C"),))


def test_a_written_271_parses_back_to_the_answer_it_was_built_from():
    answers = [_active(), _not_found()]
    data = write_interchange([build_271(a) for a in answers], Envelope())
    assert list(t271.responses(data)) == answers


def test_a_written_271_echoes_each_members_trace_and_the_requests_reference():
    data = write_interchange([build_271(_active(), reference="REF9",
                                        traces=["V1RAB", "V2RCD"])], Envelope())
    segments = [s.decode().strip() for s in data.split(b"~")]
    assert "BHT*0022*11*REF9*20260101*1200" in segments
    assert [s.split("*")[2] for s in segments if s.startswith("TRN*2*")] == ["V1RAB", "V2RCD"]


def test_a_written_271_returns_each_trace_with_its_originator_and_counts_levels_from_one():
    data = write_interchange([build_271(_active(), traces=["T1"], originators=["9000000001"])],
                             Envelope())
    segments = [s.decode().strip() for s in data.split(b"~")]
    assert "TRN*2*T1*9000000001" in segments
    assert [s.split("*")[1] for s in segments if s.startswith("HL*")] == ["1", "2", "3", "4"]


def test_a_written_271_passes_our_validator():
    data = write_interchange([build_271(_active(), traces=["T1", "T2"]),
                              build_271(_not_found(), traces=["T3"])], Envelope())
    assert [f for f in validate(data, name="271") if f.severity is Severity.ERROR] == []


def _status(code: str, charge: str = "100.00") -> t277.Status:
    return t277.Status("F1" if code == "65" else "A2", code, "", "20260105", "",
                       Decimal(charge), Decimal("80.00") if code == "65" else None)


def _claims() -> t277.StatusResponse:
    patient = Name("IL", "1", "SMITH", "JOHN", id_qualifier="MI", id="M1")
    return t277.StatusResponse("0001", False, (), (
        t277.ClaimStatus("C1RAB", "PAYER123", (_status("65"),), Decimal("100.00"), patient),
        t277.ClaimStatus("C2RCD", "", (_status("20", "250.00"),), Decimal("250.00"),
                         patient)))


def test_a_written_277_parses_back_to_the_answer_it_was_built_from():
    answer = _claims()
    data = write_interchange([build_277(answer, payer=PAYER, provider=CLINIC)], Envelope())
    assert list(t277.responses(data)) == [answer]


def test_a_written_277_passes_our_validator():
    data = write_interchange([build_277(_claims(), payer=PAYER, provider=CLINIC,
                                        receiver=Name("41", "2", "ACME", id_qualifier="46",
                                                      id="ACME"))], Envelope())
    assert [f for f in validate(data, name="277") if f.severity is Severity.ERROR] == []
