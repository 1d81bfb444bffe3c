"""The stored result's round trip, ``assess`` storing and auditing, and the what-if."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rcmdesk import errors
from rcmdesk.assessments import compute
from rcmdesk.assessments.compute import as_json, assess, from_json, what_if
from rcmdesk.assessments.figures import Findings
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.tests.factories import AS_OF, sample_assessed, sample_findings
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role


def test_the_stored_json_reads_back_equal_to_what_was_computed() -> None:
    assessed = sample_assessed()
    stored = json.loads(json.dumps(as_json(assessed)))  # what the JSONField keeps
    assert from_json(stored) == assessed
    again = from_json(stored)
    assert again.findings.backlog[1].open.dollars == Decimal("500000.00")
    assert str(again.handle[next(iter(again.handle))].hours) in {"0.33", "0.50", "0.25"}
    assert again.recommendation.proposal is not None
    assert again.recommendation.proposal.target_date == date(2027, 1, 18)


def test_the_stored_json_has_no_floats() -> None:
    def walk(value: Any) -> None:
        assert not isinstance(value, float), value
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    data = as_json(sample_assessed())
    walk(data)
    assert data["hours_per_day"] == "6.00"
    assert data["findings"]["as_of"] == "2026-11-23"


@pytest.fixture
def prospect(world: World) -> Assessment:
    client = Organization.objects.create(slug="prospect", name="Prospect Clinic",
                                         kind="client", prospect=True)
    return Assessment.objects.create(client=client, name="Prospect Clinic", as_of=AS_OF)


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, date]]:
    calls: list[tuple[int, date]] = []

    def measure(client_id: int, as_of: date) -> Findings:
        calls.append((client_id, as_of))
        return sample_findings()

    monkeypatch.setattr(compute.measuring, "measure", measure)
    return calls


def test_assess_stores_the_result_and_audits_it(world: World, prospect: Assessment,
                                                measured: list[tuple[int, date]]) -> None:
    admin = world.user(Role.PLATFORM_ADMIN)
    assessed = assess(prospect, acting_user=admin)
    prospect.refresh_from_db()
    assert measured == [(prospect.client_id, AS_OF)]
    assert prospect.computed_at is not None
    assert from_json(prospect.result) == assessed
    assert assessed.recommendation.first == "denials"
    assert assessed.recommendation.burndown[-1][1] == Decimal("0.00")
    event = AuditEvent.objects.get(action="assessment.computed")
    assert event.client_org_id == prospect.client_id
    assert event.object_id == str(prospect.pk)
    assert event.actor_id == admin.pk
    assert event.detail["first"] == "denials"
    assert event.detail["model"] == "backlog_cleanup"


def test_assess_without_a_day_measures_as_of_the_clients_today(
        world: World, prospect: Assessment, measured: list[tuple[int, date]]) -> None:
    prospect.as_of = None
    prospect.save()
    assess(prospect, acting_user=world.user(Role.PLATFORM_ADMIN))
    assert measured == [(prospect.client_id, prospect.client.today())]


def test_what_if_changes_the_weeks_only(world: World, prospect: Assessment,
                                        measured: list[tuple[int, date]]) -> None:
    first = assess(prospect, acting_user=world.user(Role.PLATFORM_ADMIN))
    result, computed_at = prospect.result, prospect.computed_at
    longer = what_if(prospect, weeks=16)
    assert len(measured) == 1  # nothing measured again
    assert longer.weeks == 16
    assert (longer.findings, longer.handle, longer.recovery, longer.hours_per_day) == (
        first.findings, first.handle, first.recovery, first.hours_per_day)
    denials = {r.workflow: r for r in longer.capacity}["denials"]
    assert denials.to_clear < {r.workflow: r for r in first.capacity}["denials"].to_clear
    assert len(longer.recommendation.burndown) == 17  # today, then 16 weeks' ends
    prospect.refresh_from_db()
    assert (prospect.result, prospect.computed_at) == (result, computed_at)  # nothing saved


def test_what_if_refuses_weeks_out_of_range_in_words(world: World, prospect: Assessment,
                                                     measured: list[tuple[int, date]]) -> None:
    assess(prospect, acting_user=world.user(Role.PLATFORM_ADMIN))
    for weeks in (0, 53):
        with pytest.raises(errors.Invalid, match="between 1 and 52"):
            what_if(prospect, weeks=weeks)


def test_what_if_before_any_computation_says_so(prospect: Assessment) -> None:
    with pytest.raises(errors.Conflict, match="not been computed"):
        what_if(prospect, weeks=4)
