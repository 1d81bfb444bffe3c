"""Entering visits and writing the 270: one per request, a trace per visit, SNIP-clean."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Claim, Coverage, Patient
from rcmdesk.conftest import World
from rcmdesk.eligibility import services
from rcmdesk.eligibility.models import (
    EligibilityRequest,
    EligibilityResponse,
    VisitSource,
    VisitStatus,
)
from rcmdesk.eligibility.producer import sync_visits
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import WorkAction, WorkItem
from rcmdesk.x12 import t270
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.validate import validate


def staff(world: World):  # type: ignore[no-untyped-def]
    return world.user(Role.CLIENT_STAFF)


def test_a_270_asks_about_each_visit_with_its_own_trace_and_validates_clean(
        world: World) -> None:
    first = make_visit(world.acme, service_types=["30", "98"])
    second = make_visit(world.acme, last="JONES", first="ANN", member_id="M2")
    out = services.request_eligibility([first, second, first], acting_user=staff(world))
    data = bytes(out.content)
    assert [f for f in validate(data, name="out.270") if f.severity is Severity.ERROR] == []
    [inquiry] = list(t270.inquiries(data))
    assert inquiry.source is not None
    assert inquiry.source.id == "841610001"
    asked = {m.trace: m for m in inquiry.subscribers}
    requests = {r.visit_id: r for r in EligibilityRequest.objects.filter(outbound=out)}
    assert set(requests) == {first.pk, second.pk}
    mine = asked[requests[first.pk].trace]
    assert (mine.name.last, mine.name.id, mine.service_types) == ("SMITH", "123456789",
                                                                   ("30", "98"))
    assert mine.dates[0].value == f"{first.scheduled_on:%Y%m%d}"
    assert inquiry.reference == requests[first.pk].reference == requests[second.pk].reference
    assert out.set_id == "270"
    assert AuditEvent.objects.filter(action="eligibility.requested").count() == 2


def test_a_patient_covered_as_a_dependent_is_asked_about_under_the_subscriber(
        world: World) -> None:
    visit = make_visit(world.acme, first="MARY", born=date(1998, 10, 14), relationship="19")
    out = services.request_eligibility([visit], acting_user=staff(world))
    [inquiry] = list(t270.inquiries(bytes(out.content)))
    [subscriber] = inquiry.subscribers
    assert (subscriber.name.first, subscriber.name.id, subscriber.trace) == (
        "JOHN", "123456789", "")
    [dependent] = subscriber.dependents
    assert dependent.name.first == "MARY"
    assert dependent.trace == EligibilityRequest.objects.get(visit=visit).trace


def test_asking_touches_the_visits_eligibility_item(world: World) -> None:
    visit = make_visit(world.acme, days_ahead=1)
    sync_visits(world.acme, world.acme.today())
    item = WorkItem.objects.get(source_key=f"visit:{visit.pk}")
    services.request_eligibility([visit], acting_user=staff(world))
    item.refresh_from_db()
    assert item.touches == 1
    trace = EligibilityRequest.objects.get(visit=visit).trace
    assert WorkAction.objects.filter(item=item, note=f"270 trace {trace}").exists()


def test_a_visit_without_a_member_id_cannot_be_asked_about(world: World) -> None:
    visit = make_visit(world.acme)
    Coverage.objects.filter(visits=visit).update(member_id="")
    visit.refresh_from_db()
    with pytest.raises(services.VisitProblem, match="member id"):
        services.request_eligibility([visit], acting_user=staff(world))
    assert not EligibilityRequest.objects.exists()


def test_a_cancelled_visit_is_not_asked_about(world: World) -> None:
    visit = make_visit(world.acme, status=VisitStatus.CANCELLED)
    with pytest.raises(services.VisitProblem, match="cancelled"):
        services.request_eligibility([visit], acting_user=staff(world))


def test_a_client_admin_may_not_ask_and_birch_staff_do_not_see_acme(world: World) -> None:
    visit = make_visit(world.acme)
    with pytest.raises(PermissionDenied):
        services.request_eligibility([visit], acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(Http404):
        services.request_eligibility([visit], acting_user=world.birch_admin)


def test_visits_of_two_clients_are_refused_as_one_request(world: World) -> None:
    with pytest.raises(services.MixedClients):
        services.request_eligibility([make_visit(world.acme),
                                                    make_visit(world.birch)],
                                                    acting_user=staff(world))


def test_a_visit_entered_by_hand_finds_the_patient_and_creates_payer_and_coverage(
        world: World) -> None:
    patient = Patient.objects.create(client=world.acme, last_name="Smith", first_name="John",
                                     birth_date=date(1963, 5, 19))
    visit = services.create_visit(world.acme, services.VisitInput(
        scheduled_on=date(2026, 12, 1), last_name="SMITH", first_name="JOHN",
        birth_date=date(1963, 5, 19), payer_id="P9", payer_name="Nine Health",
        member_id="M9", provider_npi="1234567893", service_types=[], procedures=["99213"]),
        acting_user=staff(world))
    assert visit.patient == patient
    assert (visit.payer is not None and visit.payer.name) == "Nine Health"
    assert visit.coverage is not None
    assert visit.coverage.member_id == "M9"
    assert visit.service_types == ["30"]
    assert visit.source == VisitSource.UI
    assert AuditEvent.objects.filter(action="eligibility.visit_created").exists()


def test_a_claim_shows_the_latest_answer_asked_on_or_before_its_service_date(
        world: World) -> None:
    visit = make_visit(world.acme)
    assert visit.payer is not None
    claim = Claim.objects.create(client=world.acme, patient=visit.patient, payer=visit.payer,
                                 kind="P", patient_control_number="PCN1", total_charge=1,
                                 service_from=visit.scheduled_on)

    def answer(key: str, as_of: date) -> EligibilityResponse:
        return EligibilityResponse.objects.create(
            client=world.acme, visit=visit, patient=visit.patient, payer=visit.payer,
            as_of=as_of, key=key, status="active")

    older = answer("a", visit.scheduled_on - timedelta(days=30))
    assert services.benefits_for_claim(claim) == older
    on_day = answer("b", visit.scheduled_on)
    answer("c", visit.scheduled_on + timedelta(days=1))  # after the service: not this claim's
    assert services.benefits_for_claim(claim) == on_day
