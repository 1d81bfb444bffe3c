"""The Django admin never edits the playbook: SOPs, versions and rule history change only
through the playbook services (client admins, audited, versioned)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin

from rcmdesk.conftest import World
from rcmdesk.playbooks.tests.factories import make_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_no_playbook_model_is_registered_in_the_admin() -> None:
    registered = {m._meta.label_lower for m in admin.site._registry}
    playbook = {m._meta.label_lower for m in apps.get_app_config("playbooks").get_models()}
    assert playbook
    assert not registered & playbook


@pytest.mark.parametrize("path", ["sopdocument", "sopversion", "playbookchange", "payerrule"])
def test_the_admin_has_no_page_for_playbook_rows(world: World, signed_in: Any,
                                                 path: str) -> None:
    doc = make_sop(world)
    browser = signed_in(Role.PLATFORM_ADMIN)
    assert browser.get(f"/admin/playbooks/{path}/").status_code == 404
    assert browser.post(f"/admin/playbooks/{path}/{doc.pk}/change/",
                        {"title": "x"}).status_code == 404
    doc.refresh_from_db()
    assert doc.title == "Denials"
