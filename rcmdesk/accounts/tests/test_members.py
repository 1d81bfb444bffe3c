"""A client admin manages their own organization's accounts, and only those."""

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.models import EnrollmentInvite, User
from rcmdesk.accounts.tests.helpers import events
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role

NEW = {"username": "acme.newbie", "password": "a-long-enough-passphrase-7", "email": "",
       "first_name": "New", "last_name": "Bie"}


@pytest.fixture
def admin(world):
    return sign_in(Client(), world.user(Role.CLIENT_ADMIN))


def test_the_members_page_lists_only_the_admins_organization(world, admin):
    body = admin.get(reverse("accounts:members")).content.decode()
    assert "acme.staff" in body
    assert "birch.admin" not in body
    assert "pillar.specialist" not in body


def test_adding_a_staff_member_needs_no_enrolment_link(world, admin):
    response = admin.post(reverse("accounts:members"), {**NEW, "role": "client_staff"})
    assert response.status_code == 302
    user = User.objects.get(username="acme.newbie")
    assert (user.organization, user.role) == (world.acme, "client_staff")
    assert not EnrollmentInvite.objects.filter(user=user).exists()


def test_adding_an_admin_shows_a_one_time_enrolment_link(world, admin):
    response = admin.post(reverse("accounts:members"), {**NEW, "role": "client_admin"})
    assert response.status_code == 200
    assert b'data-testid="invite-link"' in response.content
    assert b"/accounts/invite/" in response.content
    assert EnrollmentInvite.objects.filter(user__username="acme.newbie").count() == 1


def test_a_weak_password_is_refused_with_the_reason(world, admin):
    response = admin.post(reverse("accounts:members"),
                          {**NEW, "password": "password", "role": "client_staff"})
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(username="acme.newbie").exists()


def test_a_client_admin_cannot_create_partner_accounts_through_the_api(world, admin):
    response = admin.post("/api/members", {**NEW, "role": "partner_lead"},
                          content_type="application/json")
    assert response.status_code == 422
    assert not User.objects.filter(username="acme.newbie").exists()


def test_the_api_ignores_any_organization_in_the_body(world, admin):
    response = admin.post("/api/members", {**NEW, "role": "client_staff",
                                           "organization": "birch"},
                          content_type="application/json")
    assert response.status_code == 201
    assert User.objects.get(username="acme.newbie").organization == world.acme


def test_disabling_a_member_ends_their_sessions(world, admin):
    staff = world.user(Role.CLIENT_STAFF)
    their_browser = sign_in(Client(), staff)
    assert their_browser.get("/").status_code == 200
    admin.post(reverse("accounts:member_disable", args=[staff.pk]))
    assert their_browser.get("/").status_code == 302
    assert events("disable")[-1].object_id == str(staff.pk)


def test_an_admin_cannot_disable_themselves(world, admin):
    me = world.user(Role.CLIENT_ADMIN)
    admin.post(reverse("accounts:member_disable", args=[me.pk]))
    me.refresh_from_db()
    assert me.is_active


def test_resetting_a_second_factor_removes_devices_and_issues_a_link(world, admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    target = world.user(Role.CLIENT_ADMIN)
    other_admin = sign_in(Client(), world.birch_admin)
    assert other_admin.post(reverse("accounts:member_reset_second_factor",
                                    args=[target.pk])).status_code == 404
    manager = world.user(Role.CLIENT_MANAGER)
    response = admin.post(reverse("accounts:member_reset_second_factor", args=[manager.pk]))
    assert b"/accounts/invite/" in response.content
    assert not TOTPDevice.objects.filter(user=manager).exists()


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD])
def test_other_roles_cannot_manage_members(world, role):
    client = sign_in(Client(), world.user(role))
    assert client.get(reverse("accounts:members")).status_code == 403
    assert client.get("/api/members").status_code == 403


def test_the_members_table_shows_roles_in_words_and_sorts(world, admin):
    body = admin.get(reverse("accounts:members")).content.decode()
    table = body.split('data-testid="members"')[1].split("</table>")[0]
    assert "client_staff" not in table
    assert "client_admin" not in table
    assert '<table class="compact sortable"' in body
    assert "Never" in table or " EST</td>" in table or " EDT</td>" in table
    choices = body.split('name="role"')[1].split("</select>")[0]
    assert "client_" not in choices.replace('value="client_', "")


def test_a_refused_member_form_keeps_what_was_typed(world, admin):
    response = admin.post(reverse("accounts:members"),
                          {**NEW, "password": "password", "role": "client_manager"})
    body = response.content.decode()
    assert 'value="acme.newbie"' in body
    assert 'value="New"' in body
    assert 'value="Bie"' in body
    assert '<option value="client_manager" selected>' in body


def test_every_control_on_the_members_page_has_a_label(world, admin):
    body = admin.get(reverse("accounts:members")).content.decode()
    form = body.split('data-testid="member-form"')[1].split("</form>")[0]
    for name in ("username", "first_name", "last_name", "email", "role", "password"):
        assert f'<label for="id_{name}">' in form
