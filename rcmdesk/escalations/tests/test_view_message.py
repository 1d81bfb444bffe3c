"""Posting to an escalation's thread."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.escalations.tests.factories import birch_escalation, raise_one
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_either_side_posts_to_the_thread_without_stopping_the_clock(world: World,
                                                                    signed_in: Any) -> None:
    esc = raise_one(world)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/escalations/{esc.pk}/message/", {"body": "Also seen on claim 42."})
    assert response.status_code == 302
    esc.refresh_from_db()
    assert [m.body for m in esc.messages.all()] == ["Also seen on claim 42."]
    assert esc.first_response_at is None


def test_an_empty_message_is_refused(world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    response = signed_in(Role.CLIENT_STAFF).post(f"/escalations/{esc.pk}/message/",
                                                 {"body": "  "})
    assert response.status_code == 400
    assert not esc.messages.exists()


def test_a_foreign_thread_answers_404(world: World, signed_in: Any) -> None:
    esc = birch_escalation(world)
    response = signed_in(Role.CLIENT_STAFF).post(f"/escalations/{esc.pk}/message/",
                                                 {"body": "hello"})
    assert response.status_code == 404
