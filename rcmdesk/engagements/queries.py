"""Questions a page asks for its viewer (which buttons to offer), never a change."""

from __future__ import annotations

from typing import Any

from rcmdesk.engagements.models import Side
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Action, Role


def may_tick(user: Any, engagement: Engagement, side: Side) -> bool:
    """The client's items: its admin; the partner's: a lead of the engagement's partner
    (the same questions ``services.tick`` asks before it writes)."""
    if side == Side.CLIENT:
        return permits(user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    return (permits(user, Action.ASSIGN_WORK, engagement.client_id)
            and Role(user.role) is Role.PARTNER_LEAD
            and user.organization_id == engagement.partner_id)
