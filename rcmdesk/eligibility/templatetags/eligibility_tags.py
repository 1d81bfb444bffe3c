"""The benefits an eligibility answer gave, for pages outside this app (the claim page)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from rcmdesk.eligibility.models import EligibilityResponse
from rcmdesk.eligibility.services import benefits_for_claim
from rcmdesk.web.templatetags.present import DASH, pct

register = template.Library()


@register.simple_tag(takes_context=True)
def claim_benefits(context: dict[str, Any], claim: Any) -> EligibilityResponse | None:
    """The latest answer for the claim's patient and payer asked about on or before its
    service date — only if the viewer may see the client's eligibility work (a partner
    engaged for AR follow-up alone sees the claim, not the benefits)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if claim is None or user is None:
        return None
    return benefits_for_claim(claim, EligibilityResponse.objects.visible_to(user))


@register.filter
def share(value: Decimal | None) -> str:
    """Coinsurance as the payer sends it (EB08, 0.2) read as the office says it: "20%"."""
    return DASH if value is None else pct(value * 100, 0)
