"""Birch's systems, a login a Pillar specialist holds there and its open revocation, for the
isolation sweep (``tenancy/tests/test_isolation_sweep.py``): named with the foreign marker,
so no Acme person (nor a Pillar person not on Birch's engagement) reaches any of them."""

from __future__ import annotations

from rcmdesk.conftest import World, make_user
from rcmdesk.systemaccess import services
from rcmdesk.systemaccess.models import RevocationTrigger
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role


def birch_objects(world: World) -> dict[str, str]:
    system = services.register_system(world.birch, kind="ehr", name="birch-secret-marker EHR",
                                      workflows=["eligibility"], acting_user=world.birch_admin)
    holder = make_user("pillar.birchsweep", Role.PARTNER_SPECIALIST, world.pillar)
    Assignment.objects.create(engagement=world.birch_engagement, user=holder)
    access = services.request_access(world.birch_engagement, holder, system,
                                      account_name="birch-secret-marker.login",
                                      acting_user=world.birch_admin)
    task = services.open_revocation(access, RevocationTrigger.UNASSIGNED,
                                    acting_user=world.birch_admin)
    return {"access_id": str(access.pk), "task_id": str(task.pk), "step": "approve"}
