"""The real-time panel on a visit page and an AR item page: the "check now" button for those
who may ask (the same question the service's ``require`` asks) when the client has a CORE
connection, and the inquiries' log (control numbers, round trip)."""

from __future__ import annotations

from typing import Any

from django import template

from rcmdesk.claims.models import Claim
from rcmdesk.connectivity.realtime import claim_inquiries, realtime_connection, visit_inquiries
from rcmdesk.eligibility.models import Visit, VisitStatus
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.roles import Action, Workflow

register = template.Library()
SHOWN = 10


@register.inclusion_tag("connectivity/_realtime_panel.html", takes_context=True)
def realtime_visit(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    user = context["request"].user
    may = (visit.status != VisitStatus.CANCELLED
           and permits(user, Action.WORK_ITEMS, visit.client_id, Workflow.ELIGIBILITY))
    return panel(visit.client, "270", "visit", visit.pk,
                 list(visit_inquiries(visit)[:SHOWN]), may)


@register.inclusion_tag("connectivity/_realtime_panel.html", takes_context=True)
def realtime_claim(context: dict[str, Any], claim: Claim, item_id: int) -> dict[str, Any]:
    user = context["request"].user
    may = permits(user, Action.WORK_ITEMS, claim.client_id, Workflow.AR_FOLLOWUP)
    return panel(claim.client, "276", "item", item_id, list(claim_inquiries(claim)[:SHOWN]),
                 may)


def panel(client: Any, set_id: str, target: str, target_id: int, inquiries: list[Any],
          may: bool) -> dict[str, Any]:
    return {"set_id": set_id, "target": target, "target_id": target_id,
            "inquiries": inquiries, "zone": client.time_zone, "client": client,
            "can_check": may and realtime_connection(client, set_id) is not None}
