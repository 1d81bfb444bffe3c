"""/scrubber/runs/<id>/: the rate, findings grouped by rule, and the findings of one rule."""

from __future__ import annotations

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.scrubber import services
from rcmdesk.scrubber.tests import builders as b
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_run_page_groups_findings_by_rule_and_filters_by_one(world: World,
                                                                client) -> None:
    broken = b.claim(world.acme, diagnoses=[], lines=[{"diagnosis_pointers": [],
                                                       "units": None}])
    run = services.scrub(world.acme, [b.claim(world.acme), broken], acting_user=None, today=b.TODAY)
    sign_in(client, world.user(Role.CLIENT_MANAGER))
    html = client.get(f"/scrubber/runs/{run.pk}/").content.decode()
    assert "50.0%" in html
    assert 'data-testid="group-RQ025"' in html
    assert 'data-testid="group-RQ023"' in html
    assert "At least one diagnosis" in html
    only = client.get(f"/scrubber/runs/{run.pk}/?code=RQ023").content.decode()
    assert "has no units" in only
    assert "The claim has no diagnosis." not in only


def test_reading_a_run_is_audited(world: World, client) -> None:
    run = services.scrub(world.acme, [b.claim(world.acme)], acting_user=None, today=b.TODAY)
    sign_in(client, world.user(Role.CLIENT_STAFF))
    client.get(f"/scrubber/runs/{run.pk}/")
    assert AuditEvent.objects.filter(action="read", object_id=str(run.pk),
                                     object_type="scrubber.scrubrun").exists()


def test_another_clients_run_answers_like_a_missing_one(world: World, client) -> None:
    run = services.scrub(world.birch, [b.claim(world.birch)], acting_user=None, today=b.TODAY)
    sign_in(client, world.user(Role.CLIENT_STAFF))
    assert client.get(f"/scrubber/runs/{run.pk}/").status_code == 404
    assert client.get("/scrubber/runs/987654321/").status_code == 404
