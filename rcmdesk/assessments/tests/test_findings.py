"""The findings follow the words of ``figures``' definitions, claim by known claim."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rcmdesk.assessments import acks
from rcmdesk.assessments.figures import Figure
from rcmdesk.assessments.findings import measure
from rcmdesk.assessments.work import WorkType
from rcmdesk.claims.models import Claim
from rcmdesk.contracts.models import LineVariance, VarianceKind
from rcmdesk.contracts.tests import factories
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import RemitAdjustment, RemitClaim, RemitLine, Remittance
from rcmdesk.tenancy.models import Organization

D = date(2026, 6, 3)  # a Wednesday
pytestmark = pytest.mark.django_db


def _prospect() -> Organization:
    return Organization.objects.create(slug="prospect", name="Prospect Clinic", kind="client",
                                       prospect=True)


def _x277(pcn: str, day: date) -> bytes:
    """A tiny 277CA rejecting one claim (category A7), laid out as the synth's."""
    d8, d6 = day.strftime("%Y%m%d"), day.strftime("%y%m%d")
    body = [
        "ST*277*0001*005010X214", f"BHT*0085*08*REF1*{d8}*1200*TH", "HL*1**20*1",
        "NM1*AY*2*CLEARINGHOUSE*****46*CH1", "TRN*1*REF1", f"DTP*050*D8*{d8}",
        f"DTP*009*D8*{d8}", "HL*2*1*21*1", "NM1*41*2*PROSPECT CLINIC*****46*SUB1",
        "TRN*2*REF1", f"STC*A1:19*{d8}*WQ*100", "QTY*90*0", "QTY*AA*1", "AMT*YU*0",
        "AMT*YY*100", "HL*3*2*19*1", "NM1*85*2*PROSPECT CLINIC*****XX*1234567893",
        "TRN*1*REF1P", "STC*A1:19**WQ*100", "QTY*QA*0", "QTY*QC*1", "AMT*YU*0", "AMT*YY*100",
        "HL*4*3*PT", "NM1*QC*1*DOE*JOHN****MI*M1", f"TRN*2*{pcn}",
        f"STC*A7:21:85*{d8}*U*100", f"DTP*472*D8*{d8}",
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    isa = (f"ISA*00*{'':10}*00*{'':10}*ZZ*{'CH1':15}*ZZ*{'SUB1':15}*{d6}*1200*^*00501*"
           "000000001*0*P*:")
    text = [isa, f"GS*HN*CH1*SUB1*{d8}*1200*1*X*005010X214", *body, "GE*1*1",
            "IEA*1*000000001"]
    return ("~\n".join(text) + "~\n").encode()


def _remit(client: Organization, claim: Claim | None, status: str, paid: str, day: date,
           n: int, pcn: str = "") -> RemitClaim:
    remittance = Remittance.objects.create(
        client=client, st_control=f"{n:04d}", payer_key="P-ACME-1", trace_number=f"T{n}",
        amount=Decimal(paid), payment_date=day)
    return RemitClaim.objects.create(
        remittance=remittance, index=1, claim=claim,
        patient_control_number=claim.patient_control_number if claim else pcn,
        status_code=status, charge=Decimal("100.00"), paid=Decimal(paid),
        outcome="exception" if claim is None else ("denied" if status == "4" else "posted"))


def _deny(remit: RemitClaim, reason: str, amount: str) -> None:
    RemitAdjustment.objects.create(remit_claim=remit, group="CO", reason=reason,
                                   amount=Decimal(amount), posted=False)


@pytest.fixture
def practice() -> dict[str, Any]:
    """A commercial payer (90 days to file, 180 to appeal, 30 to follow up) and one claim
    of each kind the definitions tell apart, as of ``D``."""
    org = _prospect()
    payer = factories.payer(org)
    claims = {
        "past": factories.claim(org, [("99213", "100.00")], pcn="PAST",
                                service=D - timedelta(days=100)),  # limit D-10
        "near": factories.claim(org, [("99213", "200.00")], pcn="NEAR",
                                service=D - timedelta(days=70)),  # limit D+20
        "young": factories.claim(org, [("99213", "50.00")], pcn="YOUNG",
                                 service=D - timedelta(days=10)),  # not yet to follow up
        "denied_in": factories.claim(org, [("99214", "300.00")], pcn="DENIN",
                                     service=D - timedelta(days=60)),
        "denied_out": factories.claim(org, [("99214", "400.00")], pcn="DENOUT",
                                      service=D - timedelta(days=260)),
        "rejected": factories.claim(org, [("99213", "100.00")], pcn="REJ",
                                    service=D - timedelta(days=40)),
        "paid": factories.claim(org, [("99213", "80.00")], pcn="PAID",
                                service=D - timedelta(days=50)),
    }
    denied_in = _remit(org, claims["denied_in"], "4", "0.00", D - timedelta(days=30), 1)
    _deny(denied_in, "50", "300.00")
    _deny(denied_in, "16", "10.00")  # the smaller: not the root cause
    denied_out = _remit(org, claims["denied_out"], "4", "0.00", D - timedelta(days=200), 2)
    _deny(denied_out, "29", "400.00")
    _remit(org, claims["paid"], "1", "80.00", D - timedelta(days=20), 3)
    Claim.objects.filter(pk=claims["paid"].pk).update(insurance_balance=0, status="paid")
    _remit(org, None, "1", "55.00", D - timedelta(days=5), 4, pcn="NOT-OURS")
    result = ingest(org, _x277("REJ", D - timedelta(days=25)), "ack.x12", channel="assess")
    assert ReceivedFile.objects.get(client=org).status == FileStatus.APPLIED, result
    return {"org": org, "payer": payer, "claims": claims}


def test_a_277ca_rejection_of_a_mirrored_claim_is_read_back_from_the_file(practice: Any
                                                                          ) -> None:
    door = acks.read(practice["org"].pk)
    assert door.latest == {"REJ": ("rejected", D - timedelta(days=25))}


def test_filing_risk_counts_a_claim_20_days_from_its_limit_in_every_window_and_one_past_it_as_past(
        practice: Any) -> None:
    found = measure(practice["org"].pk, D)
    windows = {w.days: w.figure for w in found.filing}
    # NEAR (limit D+20) is in the 30, 60 and 90 day windows; REJ (limit D+50) in 60 and 90;
    # YOUNG (limit D+80) in 90; PAST (limit D-10) is past. Answered claims are never at risk.
    assert windows[30].count == 1
    assert windows[30].dollars == Decimal("200.00")
    assert windows[60].dollars == Decimal("300.00")
    assert windows[90].dollars == Decimal("350.00")
    assert windows[0].count == 1
    assert windows[0].dollars == Decimal("100.00")
    assert [w.days for w in found.filing] == [30, 60, 90, 0]


def test_denials_are_filed_under_the_largest_adjustment_and_appealable_only_inside_the_window(
        practice: Any) -> None:
    found = measure(practice["org"].pk, D)
    causes = {d.cause: d for d in found.denials}
    assert set(causes) == {"medical_necessity", "timely_filing"}
    assert causes["medical_necessity"].open.dollars == Decimal("300.00")
    assert causes["medical_necessity"].appealable.dollars == Decimal("300.00")
    assert causes["timely_filing"].open.dollars == Decimal("400.00")
    assert causes["timely_filing"].appealable == Figure()
    assert found.denials[0].cause == "timely_filing"  # the largest open dollars first
    denials = found.backlog_of(WorkType.DENIALS)
    assert denials is not None
    assert denials.open.dollars == Decimal("700.00")
    assert denials.recoverable.dollars == Decimal("300.00")
    assert sorted(denials.ages) == [30, 200]


def test_ar_follow_up_leaves_out_answered_rejected_and_young_claims_and_a_lost_one_recovers_0(
        practice: Any) -> None:
    found = measure(practice["org"].pk, D)
    ar = found.backlog_of(WorkType.AR_FOLLOWUP)
    assert ar is not None
    assert ar.open == Figure(2, Decimal("300.00"))  # PAST and NEAR
    assert ar.recoverable.dollars == Decimal("200.00")  # PAST is past its limit
    assert sorted(ar.ages) == [40, 70]  # from service day + 30 follow-up days


def test_a_rejection_and_an_unmatched_remittance_are_their_own_backlogs(practice: Any) -> None:
    found = measure(practice["org"].pk, D)
    rejections = found.backlog_of(WorkType.REJECTIONS)
    unmatched = found.backlog_of(WorkType.UNMATCHED_REMITS)
    assert rejections is not None
    assert unmatched is not None
    assert rejections.open.dollars == rejections.recoverable.dollars == Decimal("100.00")
    assert rejections.ages == (25,)
    assert unmatched.open == Figure(1, Decimal("55.00"))
    assert unmatched.ages == (5,)
    assert found.backlog_of(WorkType.UNDERPAYMENTS) is None
    assert not found.contracts_loaded


def test_aging_quality_files_and_notes_describe_the_whole_tenant(practice: Any) -> None:
    found = measure(practice["org"].pk, D)
    assert found.claims == 7
    assert found.billed == Decimal("1230.00")
    assert sum((t.dollars for t in found.aging.totals), Decimal(0)) == Decimal("1150.00")
    assert found.aging.buckets == ("0-30", "31-60", "61-90", "91-120", "120+")
    assert [t.count for t in found.aging.totals] == [1, 2, 1, 1, 1]
    assert found.files == {"837": 0, "835": 0, "277CA": 1, "999": 0}
    quality = {q.workflow: q for q in found.quality}
    assert (quality["charges_claims"].volume, quality["charges_claims"].rework) == (7, 1)
    assert (quality["denials"].volume, quality["denials"].rework) == (3, 2)
    assert (quality["posting"].volume, quality["posting"].rework) == (4, 1)
    # four never answered, DENOUT answered 60 days after service; DENIN and PAID on time
    assert quality["ar_followup"].rework == 5
    assert any("No contracts" in note for note in found.notes)


def test_arrivals_are_counted_over_the_twelve_full_weeks_before_the_day(practice: Any) -> None:
    found = measure(practice["org"].pk, D)
    unmatched = found.backlog_of(WorkType.UNMATCHED_REMITS)
    assert unmatched is not None
    days = [d for d, _ in unmatched.daily_arrivals]
    assert len(days) == 84
    assert days[0].weekday() == 0
    assert days[-1] == date(2026, 5, 31)
    assert sum(n for _, n in unmatched.daily_arrivals) == 1
    assert unmatched.arrivals_per_week == Decimal("0.1")


def test_an_underpaid_line_counts_its_shortfall_when_a_contract_is_loaded(practice: Any) -> None:
    org, payer = practice["org"], practice["payer"]
    contract = factories.contract(org, {"99213": "120.00"}, of=payer)
    claim = practice["claims"]["paid"]
    remit = RemitClaim.objects.get(claim=claim)
    claim_line = claim.lines.get()
    line = RemitLine.objects.create(remit_claim=remit, index=1, claim_line=claim_line,
                                    procedure="99213", charge=Decimal("80.00"),
                                    paid=Decimal("80.00"))
    LineVariance.objects.create(
        client=org, remit_line=line, remittance=remit.remittance, claim=claim,
        claim_line=claim_line, payer=payer, contract=contract, procedure="99213",
        expected=Decimal("120.00"), allowed=Decimal("80.00"), paid=Decimal("80.00"),
        patient_responsibility=Decimal("0.00"), variance=Decimal("-40.00"),
        contractual_excess=Decimal("0.00"), kind=VarianceKind.UNDERPAID, found_on=D)
    found = measure(org.pk, D)
    underpaid = found.backlog_of(WorkType.UNDERPAYMENTS)
    assert found.contracts_loaded
    assert underpaid is not None
    assert underpaid.open == underpaid.recoverable == Figure(1, Decimal("40.00"))
    assert underpaid.ages == (20,)


def test_a_generated_practice_loaded_through_intake_is_measured_consistently(tmp_path: Path
                                                                           ) -> None:
    from rcmdesk.audit.context import acting
    from rcmdesk.synth.generate import generate

    generate(tmp_path, seed=7, claims=300)
    org = _prospect()
    with acting(None, channel="cli:test"):
        for kind in ("837", "999", "277ca", "835"):
            for path in sorted((tmp_path / kind).glob("*.x12")):
                ingest(org, path.read_bytes(), path.name, channel="assess")
    as_of = max(Claim.objects.filter(client=org).values_list("service_from", flat=True))
    as_of += timedelta(days=45)
    found = measure(org.pk, as_of)
    files = {k: len(list((tmp_path / k).glob("*.x12"))) for k in ("837", "835", "277ca", "999")}
    assert found.files == {"837": files["837"], "835": files["835"],
                           "277CA": files["277ca"], "999": files["999"]}
    assert found.claims == 300
    open_dollars = sum(Claim.objects.filter(client=org, insurance_balance__gt=0)
                       .values_list("insurance_balance", flat=True), Decimal(0))
    assert sum((t.dollars for t in found.aging.totals), Decimal(0)) == open_dollars
    # every claim of an 837 that a 277CA answered is either rejected or accepted
    door = acks.read(org.pk)
    answered_sets = {p.stem for p in (tmp_path / "277ca").glob("*.x12")}
    listed = sum((tmp_path / "837" / f"{s}.x12").read_text().count("~CLM*")
                 + (tmp_path / "837" / f"{s}.x12").read_text().count("\nCLM*")
                 for s in answered_sets)
    assert len(door.latest) == listed
    windows = [w.figure.dollars for w in found.filing]
    assert windows[0] <= windows[1] <= windows[2]
