from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.playbooks.tests.factories import add_version, make_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_sop_page_shows_the_current_version_and_every_version(world: World,
                                                                  signed_in: Any) -> None:
    doc = make_sop(world, body="Call the payer.")
    add_version(world, doc, "Check the **portal** first.", "portal is faster")
    html = signed_in(Role.PARTNER_SPECIALIST).get(f"/playbook/sops/{doc.pk}/").content.decode()
    assert "Version 2 (current)" in html
    assert "<strong>portal</strong>" in html
    assert "portal is faster" in html
    assert "acme.admin" in html
    assert 'data-testid="edit-sop"' not in html


def test_an_older_version_can_be_read(world: World, signed_in: Any) -> None:
    doc = make_sop(world, body="Call the payer.")
    add_version(world, doc, "Check the portal.")
    html = signed_in(Role.CLIENT_STAFF).get(f"/playbook/sops/{doc.pk}/?v=1").content.decode()
    assert "Version 1" in html
    assert "Call the payer." in html


def test_two_versions_are_diffed_with_escaped_lines(world: World, signed_in: Any) -> None:
    doc = make_sop(world, body="Call the payer.\nKeep the reference.")
    add_version(world, doc, "Check <b>the portal</b>.\nKeep the reference.")
    html = signed_in(Role.CLIENT_ADMIN).get(
        f"/playbook/sops/{doc.pk}/?a=1&b=2").content.decode()
    assert "Changes from v1 to v2" in html
    assert '<span class="diff-remove">-Call the payer.</span>' in html
    assert '<span class="diff-add">+Check &lt;b&gt;the portal&lt;/b&gt;.</span>' in html
    assert "<b>the portal</b>" not in html


def test_script_in_an_sop_body_is_shown_as_text(world: World, signed_in: Any) -> None:
    doc = make_sop(world, body="<script>alert('x')</script>\n\n[portal](javascript:alert(1))")
    html = signed_in(Role.PARTNER_SPECIALIST).get(f"/playbook/sops/{doc.pk}/").content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_another_clients_sop_is_not_found(world: World, signed_in: Any) -> None:
    doc = make_sop(world, client=world.birch, workflow="eligibility")
    assert signed_in(Role.CLIENT_ADMIN).get(f"/playbook/sops/{doc.pk}/").status_code == 404
    assert signed_in(Role.PARTNER_QA).get(f"/playbook/sops/{doc.pk}/").status_code == 404


def test_nonsense_version_numbers_are_ignored(world: World, signed_in: Any) -> None:
    doc = make_sop(world)
    page = signed_in(Role.CLIENT_ADMIN).get(f"/playbook/sops/{doc.pk}/?a=x&b=99999999999&v=-1")
    assert page.status_code == 200
    assert "Changes from" not in page.content.decode()


def test_an_sop_outside_the_partners_scope_answers_404_like_a_missing_one(
        world: World, signed_in: Any) -> None:
    doc = make_sop(world, "Front desk SOP", workflow="eligibility")
    partner = signed_in(Role.PARTNER_SPECIALIST)
    hidden = partner.get(f"/playbook/sops/{doc.pk}/")
    assert hidden.status_code == partner.get("/playbook/sops/987654/").status_code == 404
    assert partner.get(f"/playbook/sops/{doc.pk}/?a=1&b=1").status_code == 404
    assert signed_in(Role.CLIENT_STAFF).get(f"/playbook/sops/{doc.pk}/").status_code == 200
