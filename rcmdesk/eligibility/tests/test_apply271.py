"""The 271 applier on answers the samples do not cover: inactive coverage, another payer,
a member-level refusal, deductibles and out-of-pocket (remaining vs total, in vs out of
network, individual vs family), coinsurance — and what each does to the visit and its items."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import (
    BenefitSummary,
    EligibilityRequest,
    EligibilityResponse,
    Visit,
    VisitStatus,
)
from rcmdesk.eligibility.services import request_eligibility
from rcmdesk.eligibility.tests.builders import build_271, make_visit
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem


def asked(world: World, **kwargs: object) -> tuple[Visit, str]:
    visit = make_visit(world.acme, days_ahead=1, **kwargs)  # type: ignore[arg-type]
    request_eligibility([visit], acting_user=world.user(Role.CLIENT_STAFF))
    return visit, EligibilityRequest.objects.get(visit=visit).trace


def answer(world: World, data: bytes, name: str = "a.271") -> None:
    result = ingest(world.acme, data, name)
    assert result.outcome == FileStatus.APPLIED, result.message


def active_keys(visit: Visit) -> set[str]:
    return set(WorkItem.objects.active().filter(
        kind=ItemKind.ELIGIBILITY, source_key__startswith=f"visit:{visit.pk}").values_list(
        "source_key", flat=True))


def test_patient_responsibility_reads_remaining_and_total_per_network(world: World) -> None:
    visit, trace = asked(world)
    answer(world, build_271(trace, benefits=[
        ["1", "IND", "30", "PR", "SILVER PPO"],
        ["C", "IND", "30", "", "", "23", "1500"],
        ["C", "IND", "30", "", "", "29", "600.5"],
        ["C", "FAM", "30", "", "", "29", "2000"],
        ["C", "IND", "30", "", "", "23", "3000", "", "", "", "", "N"],
        ["G", "IND", "30", "", "", "23", "5000", "", "", "", "", "Y"],
        ["G", "IND", "30", "", "", "29", "4200", "", "", "", "", "Y"],
        ["A", "IND", "30", "", "", "27", "", ".2", "", "", "", "Y"],
        ["A", "IND", "30", "", "", "27", "", ".4", "", "", "", "N"],
        ["B", "IND", "30", "", "", "27", "25", "", "", "", "", "W"],
    ], dates=[["291", "RD8", "20260101-20261231"]]))
    response = EligibilityResponse.objects.get(visit=visit)
    assert response.plan == "SILVER PPO"
    assert (str(response.coverage_start), str(response.coverage_end)) == ("2026-01-01",
                                                                          "2026-12-31")
    b = BenefitSummary.objects.get(response=response, service_type="30")
    assert (b.status, b.insurance_type) == ("active", "PR")
    assert (b.deductible_in_total, b.deductible_in_remaining) == (Decimal("1500.00"),
                                                                  Decimal("600.50"))
    assert (b.deductible_out_total, b.deductible_out_remaining) == (Decimal("3000.00"),
                                                                    Decimal("600.50"))
    assert (b.oop_in_total, b.oop_in_remaining) == (Decimal("5000.00"), Decimal("4200.00"))
    assert (b.oop_out_total, b.oop_out_remaining) == (None, None)
    assert (b.coinsurance_in, b.coinsurance_out) == (Decimal("0.2"), Decimal("0.4"))
    assert (b.copay_in, b.copay_out) == (Decimal("25.00"), Decimal("25.00"))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VERIFIED
    assert active_keys(visit) == set()  # the verify item closed


def test_inactive_coverage_flags_the_visit_and_raises_an_item(world: World) -> None:
    visit, trace = asked(world)
    answer(world, build_271(trace, benefits=[["6", "IND", "30"]]))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.NEEDS_ATTENTION
    assert active_keys(visit) == {f"visit:{visit.pk}", f"visit:{visit.pk}:inactive"}


def test_another_payer_named_in_2120_raises_a_cob_item(world: World) -> None:
    visit, trace = asked(world)
    answer(world, build_271(trace, benefits=[["1", "IND", "30"], ["R", "", "30"],
                                             ["2120", "OTHER MUTUAL"]]))
    response = EligibilityResponse.objects.get(visit=visit)
    assert response.other_payers == ["OTHER MUTUAL"]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.NEEDS_ATTENTION
    assert active_keys(visit) == {f"visit:{visit.pk}:cob"}
    item = WorkItem.objects.get(source_key=f"visit:{visit.pk}:cob")
    assert item.detail["other_payers"] == ["OTHER MUTUAL"]


def test_a_member_level_refusal_names_the_code_and_what_to_fix(world: World) -> None:
    visit, trace = asked(world)
    answer(world, build_271(trace, member_aaa="72"))
    response = EligibilityResponse.objects.get(visit=visit)
    assert response.status == "rejected"
    assert [r["reason"] for r in response.rejections] == ["72"]
    item = WorkItem.objects.get(source_key=f"visit:{visit.pk}:missing")
    assert item.detail["rejections"] == ["72"]
    assert "member id" in item.detail["explanations"][0]


def test_a_newer_active_answer_clears_the_flags_and_verifies(world: World) -> None:
    visit, trace = asked(world)
    answer(world, build_271(trace, benefits=[["6", "IND", "30"]], isa13=1), "first.271")
    answer(world, build_271(trace, benefits=[["1", "IND", "30"]], isa13=2), "second.271")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VERIFIED
    assert active_keys(visit) == set()
    closed = WorkItem.objects.get(source_key=f"visit:{visit.pk}:inactive")
    assert closed.close_reason == "a newer eligibility answer cleared this"


def test_ingesting_the_same_answer_twice_adds_nothing(world: World) -> None:
    visit, trace = asked(world)
    answer(world, build_271(trace, benefits=[["6", "IND", "30"]], isa13=1), "one.271")
    answer(world, build_271(trace, benefits=[["6", "IND", "30"]], isa13=2), "two.271")
    assert EligibilityResponse.objects.filter(visit=visit).count() == 1
    assert WorkItem.objects.filter(source_key=f"visit:{visit.pk}:inactive").count() == 1


def test_an_answer_for_another_client_trace_matches_nothing_here(world: World) -> None:
    birch_visit = make_visit(world.birch)
    EligibilityRequest.objects.create(
        client=world.birch, visit=birch_visit, trace="BIRCHTRACE1", reference="R",
        outbound=request_eligibility([make_visit(world.acme)],
                                     acting_user=world.user(Role.CLIENT_STAFF)))
    answer(world, build_271("BIRCHTRACE1", member_id="NOPE"))
    assert EligibilityResponse.objects.get(trace="BIRCHTRACE1").visit is None
