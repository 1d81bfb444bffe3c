"""The client-decision box on the work item page (one include line in workqueue/item.html)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from rcmdesk.decisions.forms import ProposeForm
from rcmdesk.decisions.models import Proposal
from rcmdesk.decisions.services import write_off_default
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.web.templatetags.money import money
from rcmdesk.workqueue.models import ItemStatus, WorkItem

register = template.Library()


@register.simple_tag(takes_context=True)
def item_decisions(context: Any, item: WorkItem | None) -> dict[str, Any] | None:
    """The item's proposals, and the propose form for whoever may ask the client; None when
    there is nothing to show (no proposals and nobody here to propose)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if item is None or user is None:
        return None
    proposals = list(Proposal.objects.visible_to(user).filter(item=item)
                     .select_related("decided_by"))
    may_propose = (allows(user, Action.PROPOSE_DECISION)
                   and visibility_for(user).can_write(item.client_id, Workflow(item.workflow))
                   and item.status not in (ItemStatus.DONE, ItemStatus.PENDING_CLIENT_DECISION)
                   and (item.assignee_id in (None, user.pk) or not item.is_leased_to(
                       item.assignee)))
    if not proposals and not may_propose:
        return None
    return {"proposals": proposals, "may_propose": may_propose,
            "form": ProposeForm(initial={"amount": write_off_default(item)},
                                client_id=item.client_id) if may_propose else None}


@register.filter
def age(value: timedelta | None) -> str:
    """How long something has waited, in the largest two units a manager reads at a glance."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@register.filter
def decision_result(proposal: Proposal) -> SafeString:
    """What approval set off, in words: the stored result is a program's record (journal id,
    escalation id, an error), which a page must not show as a dict."""
    result = proposal.result if isinstance(proposal.result, dict) else {}
    parts: list[tuple[str, ...]] = []
    if result.get("error"):
        parts.append(("Not carried out: {}", str(result["error"])))
    if result.get("journal_id"):
        parts.append(("Posted to the ledger as journal entry #{}, {}", str(result["journal_id"]),
                      money(result.get("amount"))))
    if result.get("escalation_id"):
        return format_html('Escalated: <a href="{}">escalation #{}</a>', reverse(
            "escalations:detail", args=[result["escalation_id"]]), result["escalation_id"])
    if result.get("escalation_error"):
        parts.append(("The escalation could not be opened: {}", str(result["escalation_error"])))
    if not parts:
        return SafeString("—")
    return format_html_join(" · ", "{}", ((format_html(f, *args),) for f, *args in parts))
