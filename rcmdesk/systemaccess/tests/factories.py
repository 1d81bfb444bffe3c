"""Small registry fixtures: a system of the client and a login in a given state."""

from __future__ import annotations

from typing import Any

from rcmdesk.conftest import World
from rcmdesk.systemaccess import services
from rcmdesk.systemaccess.models import ClientSystem, SystemAccess, SystemKind
from rcmdesk.tenancy.roles import Role


def acme_system(world: World, name: str = "Acme EHR", kind: str = SystemKind.EHR,
                workflows: tuple[str, ...] = ("ar_followup", "denials")) -> ClientSystem:
    return services.register_system(world.acme, kind=kind, name=name,
                                    workflows=list(workflows),
                                    acting_user=world.user(Role.CLIENT_ADMIN))


def login(world: World, system: ClientSystem, *, user: Any = None, until: str = "granted",
          account: str = "sam.s") -> SystemAccess:
    """A login asked for by the lead and taken ``until`` requested / approved / granted."""
    admin = world.user(Role.CLIENT_ADMIN)
    access = services.request_access(
        world.acme_engagement, user or world.user(Role.PARTNER_SPECIALIST), system,
        account_name=account, scope="billing clerk", acting_user=world.user(Role.PARTNER_LEAD))
    if until in ("approved", "granted"):
        services.approve(access, acting_user=admin)
    if until == "granted":
        services.confirm_granted(access, mfa_enabled=True, acting_user=admin)
    return access
