"""Error pages refuse plainly: no stack trace, nothing that tells one tenant about another."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.tenancy.roles import Role

# CSRF tokens are masked afresh on every render; everything else must match byte for byte.
CSRF_VALUES = (re.compile(r'("X-CSRFToken": ")[^"]*(")'),
               re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")'))


def _normalised(response) -> str:
    body: str = response.content.decode()
    for pattern in CSRF_VALUES:
        body = pattern.sub(r"\1\2", body)
    return body


def test_the_404_page_is_identical_for_a_missing_and_a_foreign_client(world, signed_in):
    client = signed_in(Role.PARTNER_SPECIALIST)
    foreign = client.get(reverse("web:queue_counts", args=["birch"]))
    missing = client.get(reverse("web:queue_counts", args=["no-such-client"]))
    assert foreign.status_code == missing.status_code == 404
    assert _normalised(foreign) == _normalised(missing)
    assert 'data-testid="error-404"' in foreign.content.decode()


def test_the_404_page_is_identical_for_a_missing_and_a_foreign_engagement(world, signed_in):
    client = signed_in(Role.CLIENT_STAFF)
    foreign = client.get(reverse("tenancy:engagement", args=[world.birch_engagement.pk]))
    missing = client.get(reverse("tenancy:engagement", args=[999999]))
    assert foreign.status_code == missing.status_code == 404
    assert _normalised(foreign) == _normalised(missing)
    body = _normalised(foreign)  # a masked CSRF token may contain the id's digits by chance
    assert f"/{world.birch_engagement.pk}/" not in body
    assert f">{world.birch_engagement.pk}<" not in body
    assert "Birch" not in body


def test_the_404_page_does_not_echo_the_path(world, signed_in):
    body = signed_in(Role.CLIENT_STAFF).get("/probe-<script>x</script>/").content.decode()
    assert "probe" not in body
    assert "<script>x" not in body


def test_the_403_page_is_a_plain_refusal(world, signed_in):
    # A partner specialist may not read the audit log.
    response = signed_in(Role.PARTNER_SPECIALIST).get(reverse("audit:events"))
    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()


def test_the_400_page_is_a_plain_refusal(db):
    response = Client().get(reverse("accounts:login"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-400"' in body
    assert "evil.example" not in body


@pytest.fixture
def boom_urls(settings):
    settings.ROOT_URLCONF = "rcmdesk.accounts.tests.urls_boom"


def test_the_500_page_never_shows_a_stack_trace(world, boom_urls):
    from rcmdesk.conftest import sign_in

    client = sign_in(Client(raise_request_exception=False), world.user(Role.CLIENT_STAFF))
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert 'data-testid="error-500"' in body
    assert "Traceback" not in body
    assert "secret-internal-detail" not in body
    assert "RuntimeError" not in body
