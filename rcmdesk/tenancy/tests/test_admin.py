"""The Django admin is the platform admin's, and holds no tenant data."""

from django.contrib import admin
from django.test import Client

from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.admin import ALLOWED_ADMIN_MODELS
from rcmdesk.tenancy.roles import Role


def test_admin_registry_holds_only_vetted_models():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered <= ALLOWED_ADMIN_MODELS, registered - ALLOWED_ADMIN_MODELS


def test_tenant_users_are_kept_out_of_the_admin(world):
    for role in Role:
        if role is Role.PLATFORM_ADMIN:
            continue
        response = sign_in(Client(), world.user(role)).get("/admin/")
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"]


def test_the_platform_admin_reaches_the_admin_with_a_second_factor(world):
    response = sign_in(Client(), world.user(Role.PLATFORM_ADMIN)).get("/admin/")
    assert response.status_code == 200


def test_the_admins_own_login_page_sends_everyone_to_the_one_sign_in(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_platform_admin_created_by_the_service_can_manage_organizations(db):
    from rcmdesk.accounts.services import create_user

    admin_user = create_user(username="ops.admin", password="a-long-enough-passphrase-7",
                             role=Role.PLATFORM_ADMIN, organization=None)
    assert admin_user.has_perm("tenancy.change_organization")
    assert not admin_user.has_perm("tenancy.delete_organization")


def test_the_user_admin_offers_no_privilege_flags(world):
    from rcmdesk.accounts.services import create_user, install_totp
    from rcmdesk.conftest import TOTP_KEY

    ops = create_user(username="ops.two", password="a-long-enough-passphrase-7",
                      role=Role.PLATFORM_ADMIN, organization=None)
    install_totp(ops, TOTP_KEY)
    client = sign_in(Client(), ops)
    staff = world.user(Role.CLIENT_STAFF)
    body = client.get(f"/admin/accounts/user/{staff.pk}/change/").content.decode()
    assert 'name="role"' in body
    assert 'name="is_superuser"' not in body
    assert 'name="user_permissions"' not in body
