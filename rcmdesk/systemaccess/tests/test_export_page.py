"""The export: the registry with every change, as an audited download."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = reverse("systemaccess:export")


def test_the_export_has_one_row_per_change_in_words_and_is_audited(world: World,
                                                                  signed_in) -> None:
    login(world, acme_system(world))
    response = signed_in(Role.CLIENT_ADMIN).get(URL)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Engagement", "Person", "Username"]
    assert [r[13] for r in rows[1:]] == ["Requested", "Approved, awaiting the login", "Granted"]
    assert AuditEvent.objects.filter(action="export", client_org_id=world.acme.pk,
                                     object_type="systemaccess.systemaccess").exists()


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.PARTNER_LEAD])
def test_only_the_client_admin_exports(world: World, signed_in, role: Role) -> None:
    assert signed_in(role).get(URL).status_code == 403
