from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"perms_view_audit": allows(user, Action.VIEW_AUDIT_LOG),
            "perms_manage_users": allows(user, Action.MANAGE_USERS),
            "perms_assign_work": allows(user, Action.ASSIGN_WORK)}
