"""An appeal taken to a given step through the services, as the pages would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.conftest import World
from rcmdesk.denials import appeals
from rcmdesk.denials.models import Appeal
from rcmdesk.denials.playbook import set_policy
from rcmdesk.denials.tests.builders import Denied, denied_claim, lease
from rcmdesk.remits.tests.x12text import header, remit
from rcmdesk.tenancy.roles import Role

FILED_ON = date(2026, 3, 12)
ANSWERED_ON = date(2026, 4, 2)


def decided(world: World, *, approve: bool) -> tuple[Appeal, Any]:
    """A level-1 appeal the client approved (or declined) filing."""
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    appeal = appeals.mark_pending_decision(appeal, appeal.version, acting_user=specialist)
    return appeals.decide(appeal, appeal.version, acting_user=world.user(Role.CLIENT_MANAGER),
                          approve=approve), specialist


def filed(world: World, pcn: str = "PCN-7781") -> tuple[Denied, Appeal, Any]:
    """A level-1 appeal the client needs not approve, filed by portal on 12 March."""
    specialist = world.user(Role.PARTNER_SPECIALIST)
    set_policy(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), needs_approval=False)
    denied = denied_claim(world.acme, pcn)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    appeal = appeals.record_filed(appeal, appeal.version, acting_user=specialist,
                                  filed_on=FILED_ON, channel="portal", reference="PORTAL-991")
    return denied, appeal, specialist


def answered(world: World, outcome: str, expected: str | None = None,
             ) -> tuple[Denied, Appeal, Any]:
    denied, appeal, specialist = filed(world)
    appeal = appeals.record_outcome(
        appeal, appeal.version, acting_user=specialist, outcome=outcome,
        decided_on=ANSWERED_ON, expected_amount=Decimal(expected) if expected else None)
    return denied, appeal, specialist


def payment_835(pcn: str = "PCN-7781", paid: str = "150.00", *, status: str = "1",
                day: str = "20260415", trace: str = "APPEALPAID1", isa13: str = "000000501",
                ) -> bytes:
    """The payer's 835 paying the denied line 2 (97110) of ``denied_claim``."""
    body = (header(paid, trace=trace, payer_id="P-commercial").replace("20250102", day)
            + f"CLP*{pcn}*{status}*150*{paid}**12*PAYER-CCN-55512~"
            + f"SVC*HC:97110:GP*150*{paid}**2~REF*6R*L2CTRL~")
    if paid != "150.00":
        short = Decimal("150.00") - Decimal(paid)
        body = body.replace("**2~REF", f"**2~CAS*CO*45*{short}~REF", 1)
    return remit(body, isa13=isa13)
