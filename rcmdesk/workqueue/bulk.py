"""One entry point for the bulk actions the workbench page and the API offer.

Each action goes through ``services`` item by item, so a stale or forbidden item is skipped
and reported while the others go through (a ``BulkResult``). "Resubmit" does not send
anything yet: it only marks the items' next step (``detail["next_step"]``) and notes it in
their history, until corrected claims go out through the 837 writer. "Status request" asks
the payer where each item's claim stands (one 276 per client, ``rcmdesk.arfollowup``). Both
apply only to the kinds whose action set has them (``actionsets``); the others are skipped
with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied

from rcmdesk import errors
from rcmdesk.accounts.services import user_named
from rcmdesk.arfollowup.services import request_status_for_items
from rcmdesk.connectivity.realtime import check_items_now
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import services
from rcmdesk.workqueue.actionsets import refusal
from rcmdesk.workqueue.models import ActionKind, WorkItem
from rcmdesk.workqueue.services import BulkResult

ACTIONS = ("assign", "unassign", "snooze", "close", "resubmit", "status_request", "check_now")
# What each action is called on a page or in a message.
ACTION_WORDS = {"assign": "Assign", "unassign": "Unassign", "snooze": "Snooze",
                "close": "Close", "resubmit": "Mark for resubmission",
                "status_request": "Claim status request (276)",
                "check_now": "Check now with the payer (real time)"}


class BadRequest(errors.Invalid, ValueError):
    """The bulk request itself is incomplete (no date to snooze to, no outcome, ...)."""


@dataclass(frozen=True)
class Params:
    assignee: str = ""  # username, for assign
    until: date | None = None  # for snooze
    outcome: str = ""  # for close
    note: str = ""


def run(action: str, ids: list[int], params: Params, *, acting_user: Any) -> BulkResult:
    """Apply ``action`` to the items among ``ids`` the user may see; others are "not found"."""
    if action not in ACTIONS:
        raise BadRequest(f"Unknown bulk action {action!r}; one of {', '.join(ACTIONS)}.")
    if action in ("assign", "unassign") and not allows(acting_user, Action.ASSIGN_WORK):
        raise PermissionDenied("Only supervisors assign work.")
    wanted = list(dict.fromkeys(ids))[:500]
    found = {i.pk: i for i in WorkItem.objects.visible_to(acting_user).filter(pk__in=wanted)}
    items = [found[pk] for pk in wanted if pk in found]
    result = _dispatch(acting_user, action, items, params)
    for pk in wanted:
        if pk not in found:
            result.skipped[pk] = "Not found."
    return result


def _dispatch(user: Any, action: str, items: list[WorkItem], params: Params) -> BulkResult:
    if action == "assign":
        if not params.assignee.strip():
            raise BadRequest("Name who to assign the items to.")
        # a name nobody has is skipped item by item in the words a user of another
        # tenant gets ("... cannot work ... items for this client"): no name is confirmed
        return services.assign(items, user_named(params.assignee), acting_user=user)
    if action == "unassign":
        return services.assign(items, None, acting_user=user)
    if action == "snooze":
        if params.until is None:
            raise BadRequest("Say until which day to snooze.")
        return services.snooze(items, params.until, params.note, acting_user=user)
    if action == "close":
        if not params.outcome.strip():
            raise BadRequest("Say what the outcome was before closing items.")
        return services.close(items, params.outcome.strip(), params.note, acting_user=user)
    if action == "status_request":
        return request_status_for_items(items, acting_user=user)
    if action == "check_now":  # real time over CORE: eligibility items' visits, claims
        return check_items_now(items, acting_user=user)
    return mark_resubmit(items, params.note, acting_user=user)


def mark_resubmit(items: list[WorkItem], note: str = "", *, acting_user: Any) -> BulkResult:
    """Mark items' next step as "resubmit" (nothing is sent yet; see the module docstring);
    a kind that is never resubmitted (a posting exception, a QA item) is skipped."""
    refused = {i.pk: why for i in items if (why := refusal(i.kind, ActionKind.RESUBMITTED))}
    result = services.mark_next_step([i for i in items if i.pk not in refused], "resubmit",
                                     note, acting_user=acting_user)
    result.skipped.update(refused)
    return result


def reassign(*, from_username: str | None, to: Any | None, client_id: int | None = None,
             workflow: str | None = None, limit: int | None = None,
             acting_user: Any) -> BulkResult:
    """Move every active item one person holds (``None``: the unassigned ones) to another.

    The rule lives here, not in the team page or the CLI, so both agree: only a supervisor
    moves work; the source's items are found among the items the supervisor sees (a name
    is never looked up on its own, so the answer never says whether it exists elsewhere);
    a target who cannot work an item is refused item by item, highest priority first.
    """
    wf = _workflow(workflow)
    if client_id is not None:
        require(acting_user, Action.ASSIGN_WORK, client_id, wf)
    elif not allows(acting_user, Action.ASSIGN_WORK):
        raise PermissionDenied("Only supervisors (client admins, partner leads) move work.")
    items = WorkItem.objects.visible_to(acting_user).active()
    if client_id is not None:
        items = items.filter(client_id=client_id)
    if wf is not None:
        items = items.filter(workflow=wf)
    items = (items.filter(assignee__username=from_username) if from_username
             else items.filter(assignee__isnull=True))
    chosen = items.order_by("-priority", "id")
    return services.assign(list(chosen[:limit] if limit else chosen), to,
                           acting_user=acting_user)


def _workflow(value: str | None) -> Workflow | None:
    if not value:
        return None
    if value not in Workflow._value2member_map_:
        raise BadRequest(f"There is no workflow {value!r}.")
    return Workflow(value)
