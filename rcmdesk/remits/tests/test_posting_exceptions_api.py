"""GET /api/posting-exceptions: scoped to the posting workflow, audited, within budget."""

from __future__ import annotations

from django.test import Client

from rcmdesk.conftest import sign_in
from rcmdesk.remits.tests.test_posting_exceptions_page import exceptions_at, give_posting
from rcmdesk.tenancy.roles import Role


def listed(world, role):
    return sign_in(Client(), world.user(role)).get("/api/posting-exceptions").json()


def test_client_staff_get_their_open_exceptions(world):
    exception = exceptions_at(world.acme).get()
    exceptions_at(world.birch, trace="BIRCHTRACE")
    rows = listed(world, Role.CLIENT_STAFF)
    assert [r["id"] for r in rows] == [exception.pk]
    assert rows[0]["trace_number"] == "ACMETRACE"
    assert rows[0]["patient_control_number"] == "NOSUCHPCN"
    assert rows[0]["status"] == "open"


def test_a_partner_outside_posting_gets_an_empty_list(world):
    exceptions_at(world.acme)
    assert listed(world, Role.PARTNER_SPECIALIST) == []


def test_a_partner_in_posting_gets_only_its_engagements_client(world):
    exceptions_at(world.acme)
    exceptions_at(world.birch, trace="BIRCHTRACE")
    give_posting(world)
    assert [r["client"] for r in listed(world, Role.PARTNER_SPECIALIST)] == ["acme"]


def test_it_requires_authentication(world):
    assert Client().get("/api/posting-exceptions").status_code == 401


def test_it_stays_within_its_query_budget(world, django_assert_max_num_queries):
    for n in range(3):
        exceptions_at(world.acme, f"CLP*NOSUCH{n}*1*100*100**12*CCN9~"
                                  "SVC*HC:99213*100*100**1~", trace=f"T{n}")
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    # Session, user and devices (~9), the list (1), one audit event per client (5).
    with django_assert_max_num_queries(15):
        assert len(client.get("/api/posting-exceptions").json()) == 3
