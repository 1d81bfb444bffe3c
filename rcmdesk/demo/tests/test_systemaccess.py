"""The demo's access registry: mostly granted, one request and one approval waiting on
the client, one review overdue, one revoked with its task closed; a rerun adds nothing."""

import pytest

from rcmdesk.demo.services import build_demo
from rcmdesk.demo.systemaccess import LOGINS, build_access
from rcmdesk.systemaccess import queries
from rcmdesk.systemaccess.models import AccessStatus, RevocationTask, SystemAccess
from rcmdesk.tenancy.models import Organization


@pytest.mark.django_db
def test_the_demo_registry_shows_every_state_a_client_admin_acts_on():
    build_demo()
    assert build_access() == len(LOGINS)
    acme = Organization.objects.get(slug="acme")
    statuses = list(SystemAccess.objects.filter(engagement__client=acme)
                    .values_list("status", flat=True))
    assert statuses.count(AccessStatus.REQUESTED) == 1
    assert statuses.count(AccessStatus.APPROVED) == 1
    assert statuses.count(AccessStatus.REVOKED) == 1
    assert statuses.count(AccessStatus.GRANTED) >= 6
    due = queries.reviews_due(SystemAccess.objects.all(), acme)
    assert [a.account_name for a in due] == ["pillar_noor"]
    task = RevocationTask.objects.get()
    assert task.confirmed_at is not None
    assert not RevocationTask.objects.open().exists()


@pytest.mark.django_db
def test_a_second_run_adds_nothing():
    build_demo()
    build_access()
    before = SystemAccess.objects.count()
    build_access()
    assert SystemAccess.objects.count() == before
