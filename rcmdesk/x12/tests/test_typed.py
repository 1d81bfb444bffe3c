"""Typed views expose what billers read, with Decimal money."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

import pytest

from rcmdesk.x12 import t271, t277, t278, t835, t837, t999
from rcmdesk.x12.errors import X12SyntaxError
from rcmdesk.x12.tests.samples import need_samples


def one[T](items: Iterable[T]) -> T:
    (item,) = list(items)
    return item


def test_835_claims_carry_adjustments_lines_and_remarks():
    path = need_samples() / "albmarin-badX12/X221-multiple-claims-single-check.edi"
    remit = one(t835.remittances(path))
    assert remit.payment.amount == Decimal("810.80")
    first = remit.claims[0]
    assert (first.patient_control_number, first.status, first.paid) == (
        "7722337",
        "1",
        Decimal(132),
    )
    assert first.payer_claim_control_number == "119932404007801"
    assert first.patient is not None
    assert first.patient.last == "DOE"
    line = first.lines[0]
    assert line.procedure == ("AD", "D0120")
    assert line.adjustments == (t835.Adjustment("CO", "131", Decimal(21)),)
    assert sum(c.paid for c in remit.claims) == remit.payment.amount


def test_835_cas_segments_expand_every_triplet():
    path = need_samples() / "keironstoddart-edi-835-parser/united_healthcare_legacy_sample.txt"
    remit = one(t835.remittances(path))
    line = remit.claims[-1].lines[-1]
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [
        ("PR", "2", Decimal("5.13")),
        ("PR", "1", Decimal("110")),
        ("CO", "45", Decimal("184.32")),
    ]
    assert line.control_number == "123456789014"


def test_835_provider_level_adjustments_balance_the_payment():
    path = need_samples() / "LinuxForHealth-x12/medicare-part-a.835"
    remit = one(t835.remittances(path))
    plb = sum(p.amount for p in remit.provider_adjustments)
    assert sum(c.paid for c in remit.claims) - plb == remit.payment.amount
    assert remit.provider_adjustments[0].reason


def test_835_claims_can_be_streamed():
    path = need_samples() / "albmarin-badX12/X221-multiple-claims-single-check.edi"
    streamed = list(t835.iter_claims(path))
    assert streamed == list(one(t835.remittances(path)).claims)


def test_837p_claims_have_diagnoses_lines_and_facility_composite():
    path = need_samples() / "albmarin-badX12/X222-commercial-health-insurance.edi"
    sub = one(t837.submissions(path))
    assert sub.kind == "P"
    claim = sub.claims[0]
    assert claim.charge == sum(line.charge for line in claim.lines)
    assert (claim.facility_code, claim.facility_qualifier, claim.frequency) == ("11", "B", "1")
    assert claim.diagnoses[0] == t837.Diagnosis("BK", "0340")
    assert claim.billing_provider.name.last == "BEN KILDARE SERVICE"
    assert claim.lines[0].procedure[0] == "HC"
    assert claim.lines[0].dates[0].qualifier == "472"


def test_837i_lines_use_revenue_codes():
    path = need_samples() / "LinuxForHealth-x12/two-claims-single-provider.837i"
    sub = one(t837.submissions(path))
    assert sub.kind == "I"
    assert len(sub.claims) == 2
    assert all(line.revenue_code for c in sub.claims for line in c.lines)


def test_271_reports_coverage_and_aaa_errors():
    root = need_samples() / "LinuxForHealth-x12"
    active = one(t271.responses(root / "subscriber-health-benefit-check.271"))
    assert active.active
    assert active.subscribers[0].benefits[2].service_types[:2] == ("1", "33")
    rejected = one(t271.responses(root / "subscriber-health-benefit-check-error.271"))
    assert rejected.errors == (t271.RequestError("2100B", "Y", "50", "N"),)


def test_277ca_statuses_are_kept_per_level_and_claim():
    path = need_samples() / "imsweb-x12-parser/x12_277CA_accepted.txt"
    response = one(t277.responses(path))
    assert response.acknowledgment
    claim = one(response.claims)
    assert claim.patient_control_number == "5781"
    assert claim.payer_claim_control_number == "1107000000014420"
    assert (claim.statuses[0].category, claim.statuses[0].code) == ("A2", "20")


def test_278_reviews_carry_decision_and_certification():
    path = need_samples() / "apimeister-x12-types/_278_test.rs__parse_278_6.x12"
    review = one(t278.services_reviews(path))
    assert review.response
    event = review.reviews[0]
    assert (event.decision, event.certification_number) == ("A4", "170905306915")
    assert review.reviews[-1].units == Decimal(3)


def test_999_lists_rejected_sets_with_error_locations():
    path = need_samples() / "imsweb-x12-parser/x12_999_rejected.txt"
    ack = one(t999.acknowledgments(path))
    rejected = one(ack.sets)
    assert not rejected.accepted
    assert rejected.errors[0].segment_id == "NM"
    assert ack.group_status == "R"


def test_ta1_interchange_acknowledgments_are_read_and_checked():
    from rcmdesk.x12.tests.test_reader import ISA
    from rcmdesk.x12.validate import validate

    data = (ISA + "TA1*000000905*240101*1200*R*006~IEA*0*000000001~").encode()
    (ack,) = t999.interchange_acks(data)
    assert (ack.control, ack.status, ack.note) == ("000000905", "R", "006")
    assert not ack.accepted
    assert [f for f in validate(data, name="t") if f.severity == "error"] == []
    bad = (ISA + "TA1*905*240101*1200*Q*006~IEA*0*000000001~").encode()
    assert {f.element for f in validate(bad, name="t")} >= {1, 4}


_SMALL_835 = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*260101*1200*^*00501*000000001*0*T*:~"
    "GS*HP*SENDER*RECEIVER*20260101*1200*1*X*005010X221A1~ST*835*0001~"
    "BPR*I*80*C*CHK************20260101~TRN*1*1*1512345678~N1*PR*PAYER~N1*PE*CLINIC~LX*1~"
    "CLP*PCN1*1*100*80**12*ICN1~NM1*QC*1*DOE*JANE****MI*M1~"
    "SVC*HC:99213*100*80**1~DTM*472*20251215~CAS*CO*45*20~AMT*B6*80~"
    "SE*13*0001~GE*1*1~IEA*1*000000001~"
)


def test_835_streamed_claim_values_and_immutability():
    (claim,) = t835.iter_claims(_SMALL_835.encode())
    assert type(claim) is t835.Claim
    assert type(claim.lines[0]) is t835.ServiceLine
    assert claim.charge == Decimal(100)
    assert claim.patient is not None
    assert claim.lines[0].adjustments == (t835.Adjustment("CO", "45", Decimal(20)),)
    assert claim.lines[0].amounts == (("B6", Decimal(80)),)
    rebuilt = t835.Claim(**{f.name: getattr(claim, f.name) for f in dataclasses.fields(claim)})
    assert rebuilt == claim
    assert hash(rebuilt) == hash(claim)
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.paid = Decimal(0)  # type: ignore[misc]


def test_835_bad_amounts_are_located():
    cases = [
        ("CLP*PCN1*1*100*", "CLP*PCN1*1*1O0*", 9, "CLP", 3),
        ("SVC*HC:99213*100*80", "SVC*HC:99213*100*NaN", 11, "SVC", 3),
        ("CAS*CO*45*20", "CAS*CO*45*2x", 13, "CAS", 3),
        ("CAS*CO*45*20", "CAS*CO*45*20*Inf", 13, "CAS", 4),
        ("AMT*B6*80", "AMT*B6*8 0", 14, "AMT", 2),
    ]
    for old, new, position, segment_id, element in cases:
        data = _SMALL_835.replace(old, new, 1).encode()
        with pytest.raises(X12SyntaxError) as info:
            list(t835.iter_claims(data))
        err = info.value
        assert (err.position, err.segment_id, err.element) == (position, segment_id, element), new
        assert err.offset == data.index(new.encode()), new


def test_builder_makes_ordinary_frozen_instances():
    from rcmdesk.x12.values import DateRef, builder

    new_date = builder(DateRef)
    fast, slow = new_date("472", "20250101"), DateRef("472", "20250101")
    assert type(fast) is DateRef
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert new_date(qualifier="472", value="x", format="D8") == DateRef("472", "x", "D8")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.value = "x"  # type: ignore[misc]
    assert dataclasses.replace(fast, value="20260101") == DateRef("472", "20260101")

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        a: int

    with pytest.raises(TypeError):
        builder(Unslotted)
