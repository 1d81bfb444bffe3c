"""Small builders for escalation tests."""

from __future__ import annotations

from typing import Any

from rcmdesk.conftest import World
from rcmdesk.escalations import services
from rcmdesk.escalations.models import Escalation, EscalationKind
from rcmdesk.tenancy.roles import Role


def raise_one(world: World, *, kind: str = EscalationKind.PAYER_STUCK,
              subject: str = "Payer keeps losing the appeal", by: Role = Role.CLIENT_STAFF,
              **kwargs: Any) -> Escalation:
    return services.create_escalation(world.acme, kind, subject,
                                      "Third call, no reference number.",
                                      acting_user=world.user(by), **kwargs)


def birch_escalation(world: World, subject: str = "birch-secret-marker") -> Escalation:
    return services.create_escalation(world.birch, EscalationKind.OTHER,
                                      subject, "birch-secret-marker body",
                                      acting_user=world.birch_admin,
                                      owner=world.birch_admin)
