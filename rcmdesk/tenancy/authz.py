"""Visibility first (404), then the role matrix (403): the order that leaks nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.tenancy.roles import Action, Role, Workflow, role_allows
from rcmdesk.tenancy.visibility import visibility_for

WRITE_ACTIONS = frozenset(Action) - {Action.VIEW_TENANT_DATA, Action.VIEW_REPORTS,
                                     Action.VIEW_AUDIT_LOG}


def require(user: Any, action: Action, client_id: int | None,
            workflow: Workflow | None = None) -> None:
    """Raise Http404 if the client is out of sight, PermissionDenied if the role may not act."""
    if client_id is not None:
        visibility = visibility_for(user)
        if not visibility.can_see(client_id, workflow):
            raise Http404("Not found.")
        if action in WRITE_ACTIONS and not visibility.can_write(client_id, workflow):
            raise PermissionDenied("Break-glass access is read-only.")
    if not user.is_authenticated or not role_allows(Role(user.role), action):
        raise PermissionDenied("Your role does not allow this.")


def permits(user: Any, action: Action, client_id: int,
            workflow: Workflow | None = None) -> bool:
    """``require`` as a question: whether to offer a button, where ``require`` guards the
    service behind it (the two must never disagree, so this one asks the same things)."""
    visibility = visibility_for(user)
    if not visibility.can_see(client_id, workflow):
        return False
    if action in WRITE_ACTIONS and not visibility.can_write(client_id, workflow):
        return False
    return allows(user, action)


def allows(user: Any, action: Action) -> bool:
    return bool(user.is_authenticated and role_allows(Role(user.role), action))
