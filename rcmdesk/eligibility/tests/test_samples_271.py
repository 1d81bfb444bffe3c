"""Every public 271 sample gives the benefit summary a person reads off the file by hand.

The samples are the X12 TR3 examples (LinuxForHealth/x12 and albmarin/badX12 copies): SMITH,
JOHN (member 123456789, born 1963-05-19) and his dependent MARY (born 1998-10-14) on ABC
COMPANY's GOLD 123 PLAN since 2006-01-01 (DTP*346), active (EB*1) for 30 and for 1, 33, 35,
47, 86, 88, 98, AL, MH, UC, with an HMO (EB04 HM) visit copay (EB06 27) of 10.00 in network
(EB12 Y) and 30.00 out (EB12 N); EB*L names the primary care provider (2120 NM1*P3 JONES),
which is not another payer. The error sample is refused at the receiver level: AAA*Y**50*N
(provider not eligible for inquiries, do not resubmit), no subscriber loop.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rcmdesk.conftest import World
from rcmdesk.eligibility import benefits
from rcmdesk.eligibility.models import (
    BenefitSummary,
    EligibilityRequest,
    EligibilityResponse,
    Visit,
    VisitStatus,
)
from rcmdesk.eligibility.services import request_eligibility
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.x12.parser import transactions

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "x12-samples"
LFH = "LinuxForHealth-x12/"
ALB = "albmarin-badX12/X279-"
SUBSCRIBER = [LFH + "subscriber-health-benefit-check.271",
              ALB + "response-to-generic-request-by-clinic-for-patient-(subscriber)-"
                    "eligibility.edi"]
DEPENDENT = [LFH + "dependent-health-benefit-check.271",
             ALB + "response-to-generic-request-by-physician-for-patient-(dependent)-"
                   "eligibility.edi"]
REFUSED = [LFH + "subscriber-health-benefit-check-error.271",
           ALB + "error-response-from-payer-to-clinic-not-eligible-for-inquiries-with-"
                 "payer.edi"]
COPAY_TYPES = ["1", "33", "35", "47", "86", "88", "98", "AL", "MH", "UC"]


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"shared X12 samples not found at {SAMPLES}")
    return path.read_bytes()


def read(name: str) -> list[benefits.Answer]:
    return [a for tx in transactions(sample(name), name=name) if tx.set_id == "271"
            for a in benefits.answers(tx)]


def no_amounts_except(summary: benefits.Summary, **expected: Decimal) -> None:
    assert {k: v for k, v in summary.amounts().items() if v is not None} == expected


def test_every_271_sample_in_the_manifest_is_covered_here() -> None:
    manifest = SAMPLES / "MANIFEST.tsv"
    if not manifest.is_file():
        pytest.skip("shared samples not present")
    rows = [line.split("\t") for line in manifest.read_text().splitlines()[1:]]
    listed = {r[0] for r in rows if len(r) > 5 and r[5] == "271"}
    assert listed == set(SUBSCRIBER + DEPENDENT + REFUSED)


@pytest.mark.parametrize("name", SUBSCRIBER + DEPENDENT)
def test_an_active_sample_reads_as_the_gold_plan_with_ten_and_thirty_dollar_copays(
        name: str) -> None:
    [answer] = read(name)
    dependent = name in DEPENDENT
    assert answer.trace == "93175-012547"
    assert answer.reference == ("10001235" if name == DEPENDENT[1] else "10001234")
    assert answer.payer_name == "ABC COMPANY"
    assert answer.member_id == "123456789"  # a dependent's id comes from the subscriber
    assert (answer.last_name, answer.first_name) == (
        ("SMITH", "MARY") if dependent else ("SMITH", "JOHN"))
    assert answer.birth_date == (date(1998, 10, 14) if dependent else date(1963, 5, 19))
    assert answer.status == "active"
    assert answer.plan == "GOLD 123 PLAN"
    assert answer.group_number == ""
    assert answer.coverage_start == date(2006, 1, 1)
    assert answer.coverage_end is None
    assert answer.dates == {"346": "20060101"}
    assert answer.rejections == ()
    assert answer.other_payers == ()  # EB*L's 2120 is the primary care provider
    assert [s.service_type for s in answer.summaries] == ["30", *COPAY_TYPES]
    plan = answer.summary("30")
    assert plan is not None
    assert plan.status == "active"
    assert plan.plan == "GOLD 123 PLAN"
    no_amounts_except(plan)
    for code in COPAY_TYPES:
        summary = answer.summary(code)
        assert summary is not None
        assert (summary.status, summary.insurance_type, summary.plan) == (
            "active", "HM", "GOLD 123 PLAN")
        no_amounts_except(summary, copay_in=Decimal("10.00"), copay_out=Decimal("30.00"))


@pytest.mark.parametrize("name", REFUSED)
def test_the_error_sample_reads_as_a_refusal_with_reason_50(name: str) -> None:
    [answer] = read(name)
    assert answer.status == "rejected"
    assert answer.reference == "10001234"
    assert answer.trace == answer.member_id == answer.last_name == ""
    assert answer.summaries == ()
    [rejection] = answer.rejections
    assert (rejection.loop, rejection.valid, rejection.reason, rejection.action) == (
        "2100B", "Y", "50", "N")
    assert "not set up with this payer" in rejection.explanation


def asked(world: World, visit: Visit, trace: str = "", reference: str = "") -> None:
    request_eligibility([visit], acting_user=world.user(Role.CLIENT_STAFF))
    fields = {k: v for k, v in (("trace", trace), ("reference", reference)) if v}
    EligibilityRequest.objects.filter(visit=visit).update(**fields)  # the payer's sample ids


@pytest.mark.parametrize("name", SUBSCRIBER)
def test_a_subscriber_answer_finds_its_visit_by_trace_and_verifies_it(
        world: World, name: str) -> None:
    visit = make_visit(world.acme, service_types=["30", "98"])
    asked(world, visit, trace="93175-012547")
    result = ingest(world.acme, sample(name), "answer.271")
    assert result.outcome == FileStatus.APPLIED, result.message
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VERIFIED
    response = EligibilityResponse.objects.get(visit=visit)
    assert response.request is not None
    assert response.status == "active"
    assert (response.plan, response.coverage_start) == ("GOLD 123 PLAN", date(2006, 1, 1))
    office = BenefitSummary.objects.get(response=response, service_type="98")
    assert (office.copay_in, office.copay_out) == (Decimal("10.00"), Decimal("30.00"))
    assert BenefitSummary.objects.filter(response=response).count() == 11


@pytest.mark.parametrize("name", DEPENDENT)
def test_a_dependent_answer_finds_her_visit_by_member_id_name_and_birth_date(
        world: World, name: str) -> None:
    visit = make_visit(world.acme, first="MARY", born=date(1998, 10, 14), sex="F",
                       relationship="19")
    result = ingest(world.acme, sample(name), "dependent.271")
    assert result.outcome == FileStatus.APPLIED, result.message
    response = EligibilityResponse.objects.get(visit=visit)
    assert response.request is None
    assert (response.first_name, response.status) == ("MARY", "active")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VERIFIED


def test_the_linuxforhealth_error_sample_is_quarantined_for_its_mismatched_se02(
        world: World) -> None:
    """Its SE02 (4323) is not its ST02 (4321): intake stops it before any applier runs."""
    result = ingest(world.acme, sample(REFUSED[0]), "refused.271")
    assert result.outcome == FileStatus.QUARANTINED
    assert "SE02" in result.message
    assert not EligibilityResponse.objects.exists()


def test_a_refused_request_marks_every_visit_of_that_270_and_raises_a_missing_data_item(
        world: World) -> None:
    visit = make_visit(world.acme)
    asked(world, visit, reference="10001234")
    result = ingest(world.acme, sample(REFUSED[1]), "refused.271")
    assert result.outcome == FileStatus.APPLIED, result.message
    visit.refresh_from_db()
    assert visit.status == VisitStatus.NEEDS_ATTENTION
    response = EligibilityResponse.objects.get(visit=visit)
    assert response.status == "rejected"
    assert response.rejections == [{"loop": "2100B", "valid": "Y", "reason": "50",
                                    "action": "N"}]
    item = WorkItem.objects.active().get(kind=ItemKind.ELIGIBILITY,
                                         source_key=f"visit:{visit.pk}:missing")
    assert item.detail["rejections"] == ["50"]
    assert WorkItem.objects.active().filter(source_key=f"visit:{visit.pk}").exists()


def test_an_answer_nobody_asked_about_is_kept_unmatched(world: World) -> None:
    result = ingest(world.acme, sample(SUBSCRIBER[0]), "stray.271")
    assert result.outcome == FileStatus.APPLIED
    response = EligibilityResponse.objects.get(client=world.acme)
    assert response.visit is None
    assert response.member_id == "123456789"


def test_the_same_answers_in_a_new_interchange_add_nothing(world: World) -> None:
    visit = make_visit(world.acme)
    asked(world, visit, trace="93175-012547")
    data = sample(SUBSCRIBER[0])
    assert ingest(world.acme, data, "first.271").outcome == FileStatus.APPLIED
    again = data.replace(b"000000907", b"000000908")  # same body, another ISA13/IEA02
    assert ingest(world.acme, again, "second.271").outcome == FileStatus.APPLIED
    assert EligibilityResponse.objects.filter(client=world.acme).count() == 1
    assert BenefitSummary.objects.filter(client=world.acme).count() == 11
