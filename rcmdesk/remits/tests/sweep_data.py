"""Birch's posting rows for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``):
two unmatched payments in an 835 whose trace is a foreign marker, one left open (the
exception page) and one parked as unapplied cash with a marker as its reason."""

from __future__ import annotations

from rcmdesk.conftest import World, make_user
from rcmdesk.intake.services import ingest
from rcmdesk.remits import resolution
from rcmdesk.remits.models import PostingException
from rcmdesk.remits.tests.x12text import header, remit
from rcmdesk.tenancy.roles import Role


def birch_objects(world: World) -> dict[str, str]:
    body = ("CLP*BIRCHPCN7*1*60*60**12*Y~SVC*HC:99213*60*60**1~"
            "CLP*BIRCHPCN8*1*40*40**12*Z~SVC*HC:99213*40*40**1~")
    result = ingest(world.birch, remit(header("100.00", trace="BIRCHTRACE2") + body,
                                       isa13="000000202"), "birch-sweep.835")
    # Only this file's two: other apps' sweep data may leave Birch exceptions of their own.
    kept, parked = PostingException.objects.filter(
        client=world.birch, remittance__file=result.file).order_by("pk")
    manager = make_user("birch.sweep.manager", Role.CLIENT_MANAGER, world.birch)
    cash = resolution.park(parked, "birch-secret-marker", acting_user=manager)
    return {"exception_id": str(kept.pk), "unapplied_id": str(cash.pk)}
