"""A forged or stale session cookie is refused quietly and leaves an audit trace."""

from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def test_a_tampered_session_cookie_is_treated_as_anonymous_and_audited(world):
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    key = client.cookies["rcmdesk_session"].value
    client.cookies["rcmdesk_session"] = key[:-4] + "abcd"
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.filter(action="session_rejected").latest("id")
    assert event.actor_id is None

