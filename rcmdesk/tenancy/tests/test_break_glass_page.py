"""The platform admin opens and ends emergency access from a page."""

from django.test import Client
from django.urls import reverse

from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.models import BreakGlassGrant
from rcmdesk.tenancy.roles import Role

REASON = "Incident 7731: client reports missing remittances in production"


def test_a_platform_admin_opens_break_glass_and_then_sees_the_client(world):
    client = sign_in(Client(), world.user(Role.PLATFORM_ADMIN))
    assert client.get(reverse("tenancy:client", args=["acme"])).status_code == 404
    response = client.post(reverse("tenancy:break_glass"),
                           {"client": "acme", "reason": REASON, "minutes": 30})
    assert response.status_code == 302
    assert client.get(reverse("tenancy:client", args=["acme"])).status_code == 200
    assert client.get(reverse("tenancy:client", args=["birch"])).status_code == 404


def test_break_glass_access_cannot_change_anything(world):
    client = sign_in(Client(), world.user(Role.PLATFORM_ADMIN))
    client.post(reverse("tenancy:break_glass"), {"client": "acme", "reason": REASON,
                                                 "minutes": 30})
    response = client.post(reverse("tenancy:change_scope", args=[world.acme_engagement.pk]),
                           {"scope": ["posting"]})
    assert response.status_code == 403


def test_an_unknown_client_is_refused_with_a_message(world):
    client = sign_in(Client(), world.user(Role.PLATFORM_ADMIN))
    response = client.post(reverse("tenancy:break_glass"),
                           {"client": "nowhere", "reason": REASON, "minutes": 30})
    assert response.status_code == 200
    assert b"No active client organization" in response.content
    assert not BreakGlassGrant.objects.exists()


def test_ending_the_grant_early_closes_the_access(world):
    client = sign_in(Client(), world.user(Role.PLATFORM_ADMIN))
    client.post(reverse("tenancy:break_glass"), {"client": "acme", "reason": REASON,
                                                 "minutes": 30})
    grant = BreakGlassGrant.objects.get()
    client.post(reverse("tenancy:break_glass_close", args=[grant.pk]))
    assert client.get(reverse("tenancy:client", args=["acme"])).status_code == 404


def test_tenant_users_cannot_break_glass(world):
    for role in (Role.CLIENT_ADMIN, Role.PARTNER_LEAD):
        response = sign_in(Client(), world.user(role)).post(
            reverse("tenancy:break_glass"), {"client": "birch", "reason": REASON, "minutes": 30})
        assert response.status_code == 403


def test_the_form_lists_no_clients_and_grants_show_names_and_local_times(world):
    client = sign_in(Client(), world.user(Role.PLATFORM_ADMIN))
    form = client.get(reverse("tenancy:break_glass")).content.decode()
    assert "Acme Family Medicine" not in form
    assert "slug" not in form.split("<main")[1]
    client.post(reverse("tenancy:break_glass"), {"client": "acme", "reason": REASON,
                                                 "minutes": 30})
    grants = client.get(reverse("tenancy:break_glass")).content.decode().split(
        'data-testid="grants"')[1]
    assert "<td>Acme Family Medicine</td>" in grants
    assert " EST</td>" in grants or " EDT</td>" in grants
