"""/batches/profile/<client>/<kind>/: the client admin sets who its 837s come from and go to."""

from __future__ import annotations

from typing import Any

from rcmdesk.conftest import World
from rcmdesk.submission.models import SubmissionProfile
from rcmdesk.submission.services import PROFILE_FIELDS, profile_for
from rcmdesk.tenancy.roles import Role


def test_the_client_admin_changes_the_submitter_id(world: World, signed_in: Any) -> None:
    admin = signed_in(Role.CLIENT_ADMIN)
    assert admin.get("/batches/profile/acme/P/").status_code == 200
    values = {f: getattr(profile_for(world.acme, "P"), f) for f in PROFILE_FIELDS}
    values.update(submitter_id="ACME-ETIN-1", usage="P")
    response = admin.post("/batches/profile/acme/P/", values)
    assert response.status_code == 302
    assert SubmissionProfile.objects.get(client=world.acme, kind="P").submitter_id == "ACME-ETIN-1"
    assert profile_for(world.acme, "P").usage == "P"


def test_staff_and_managers_may_not_edit_it(world: World, signed_in: Any) -> None:
    for role in (Role.CLIENT_STAFF, Role.CLIENT_MANAGER):
        assert signed_in(role).get("/batches/profile/acme/B/").status_code == 403


def test_another_clients_profile_answers_404(world: World, signed_in: Any) -> None:
    assert signed_in(Role.CLIENT_ADMIN).get("/batches/profile/birch/B/").status_code == 404
