"""The benefits an eligibility answer gave, for pages outside this app (the claim page)."""

from __future__ import annotations

from typing import Any

from django import template

from rcmdesk.eligibility.models import EligibilityResponse
from rcmdesk.eligibility.services import benefits_for_claim

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
