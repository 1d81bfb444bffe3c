"""The recoupments panel of the claim page: ``{% load contract_tags %}{% claim_recoupments
claim %}`` (a tag, so the claim view needs no change and claims never import contracts)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from rcmdesk.contracts.models import Recoupment, RecoupmentSource
from rcmdesk.remits.models import RemitClaim

register = template.Library()
SHOWN = 50


@register.inclusion_tag("contracts/_claim_recoupments.html")
def claim_recoupments(claim: Any) -> dict[str, Any]:
    """Money taken back from this claim, and takebacks of other claims carried by a
    remittance that paid this one (the PLB came out of its payment): both claims show it.
    ``claim`` was fetched by the page through its visibility; rows are of its client."""
    paid_in = RemitClaim.objects.filter(claim=claim).values("remittance_id")
    rows = list(Recoupment.objects.filter(client_id=claim.client_id).filter(
        Q(claim=claim) | Q(source=RecoupmentSource.PLB, remittance_id__in=paid_in)
    ).select_related("remittance", "claim", "claim_line", "original__remit_claim__remittance",
                     "correction__remittance").order_by("-remittance_id", "pk")[:SHOWN])
    return {"claim": claim, "recoupments": rows, "capped": len(rows) == SHOWN}
