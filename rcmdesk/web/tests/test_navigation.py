"""The header offers each person only what they may open: no link answers 403, no menu
leads to a workflow outside their engagements, and a menu with nothing in it is not drawn."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.context import menus_for

NAV_LINK = re.compile(r'<nav class="bar".*?</nav>', re.S)


def _labels(world: World, role: Role) -> dict[str, list[str]]:
    return {m.label: [link.label for link in m.links] for m in menus_for(world.user(role))}


def _nav_hrefs(body: str) -> list[str]:
    nav = NAV_LINK.search(body)
    assert nav is not None
    return [h for h in re.findall(r'<a href="([^"]+)"', nav.group(0))]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_link_in_a_persons_menus_opens_for_them(world, signed_in, role):
    client = signed_in(role)
    hrefs = _nav_hrefs(client.get(reverse("web:home")).content.decode())
    for href in hrefs:
        if href.startswith("/admin/"):
            continue  # Django's admin: staff only, and its own pages
        assert client.get(href).status_code < 400, href


def test_reports_are_offered_only_to_roles_that_may_read_them(world):
    assert "Reports" in _labels(world, Role.CLIENT_MANAGER)
    assert "Reports" in _labels(world, Role.PARTNER_LEAD)
    for role in (Role.CLIENT_STAFF, Role.PARTNER_SPECIALIST, Role.PARTNER_QA):
        assert "Reports" not in _labels(world, role)


def test_a_partner_sees_only_the_workflows_of_its_engagements(world):
    # The test world's Acme engagement covers A/R follow-up and denials only.
    menus = _labels(world, Role.PARTNER_SPECIALIST)
    assert "Front end" not in menus
    assert "Posting" not in menus
    assert menus["Appeals"] == ["Appeals"]


def test_a_partner_on_an_eligibility_engagement_sees_visits_and_no_other_front_end_page(world):
    from rcmdesk.tenancy.models import Assignment

    Assignment.objects.create(engagement=world.birch_engagement,
                              user=world.user(Role.PARTNER_SPECIALIST))
    assert _labels(world, Role.PARTNER_SPECIALIST)["Front end"] == ["Visits"]


def test_a_client_sees_every_workflow_of_its_own(world):
    menus = _labels(world, Role.CLIENT_STAFF)
    assert menus["Front end"] == ["Visits", "Authorizations", "Charges", "Batches"]
    assert menus["Posting"] == ["Remittances", "Exceptions", "Unapplied cash", "Reconciliation"]


def test_administration_is_offered_to_whoever_administers(world):
    assert _labels(world, Role.CLIENT_ADMIN)["Admin"] == ["Team", "Members", "Connections",
                                                          "Audit log", "Assessments",
                                                          "Scheduled jobs"]
    assert _labels(world, Role.PARTNER_LEAD)["Admin"] == ["Team", "Scheduled jobs"]
    assert "Admin" not in _labels(world, Role.PARTNER_SPECIALIST)
    assert _labels(world, Role.PLATFORM_ADMIN) == {"Admin": ["Break glass", "Assessments",
                                                             "Scheduled jobs", "Site admin"]}


def test_the_access_registry_is_offered_to_the_client_admin_and_partners_not_to_client_staff(
        world):
    for role in (Role.CLIENT_ADMIN, Role.CLIENT_MANAGER, Role.PARTNER_LEAD,
                 Role.PARTNER_SPECIALIST, Role.PARTNER_QA):
        assert "System access" in _labels(world, role)["Controls"], role
    assert "System access" not in _labels(world, Role.CLIENT_STAFF)["Controls"]


def test_contracts_are_offered_to_everyone_who_reads_the_clients_data(world):
    for role in (Role.CLIENT_ADMIN, Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                 Role.PARTNER_SPECIALIST, Role.PARTNER_QA):
        assert "Contracts" in _labels(world, role)["Controls"], role
    assert "Controls" not in _labels(world, Role.PLATFORM_ADMIN)


def test_the_platform_admin_sees_no_client_pages_it_may_not_read(world, signed_in):
    body = signed_in(Role.PLATFORM_ADMIN).get(reverse("web:home")).content.decode()
    assert reverse("claims:claims") not in body
    assert reverse("tenancy:break_glass") in body


def test_a_page_drawn_for_someone_signed_out_has_no_menus(db, client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'class="menus"' not in body
    assert "data-global-search" not in body


def test_someone_past_the_password_but_not_the_code_sees_no_menus_only_sign_out(world, client):
    client.force_login(world.user(Role.PARTNER_SPECIALIST),
                       backend="rcmdesk.accounts.backends.ActiveUserBackend")
    body = client.get(reverse("accounts:otp")).content.decode()
    nav = NAV_LINK.search(body)
    assert nav is not None
    assert reverse("workqueue:workbench") not in nav.group(0)
    assert "data-global-search" not in body
    assert 'data-testid="logout"' in body


def test_the_expected_payment_reports_sit_in_the_reports_menu_of_whoever_reads_reports(world):
    reports = _labels(world, Role.CLIENT_MANAGER)["Reports"]
    assert reports[:4] == ["KPIs", "Weekly reports", "Underpayments", "Payer scorecard"]
    assert "Underpayments" in _labels(world, Role.PARTNER_LEAD)["Reports"]
