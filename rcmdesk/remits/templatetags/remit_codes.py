"""Adjustment and remark codes as the office reads them: "CO-97" with our category
("coding") and, only where the client imported X12's licensed texts, the description.
Any page holding a list of codes (a denial's ``detail["carcs"]``) renders it with
``{% adjustment_codes codes client_id as found %}{% include "remits/_codes.html" %}``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template

from rcmdesk.remits.carc_categories import GROUP_CODES, category, category_label
from rcmdesk.remits.models import CodeDescription

register = template.Library()

GROUP_WORDS = {"CO": "contractual obligation", "PR": "patient responsibility",
               "OA": "other adjustment", "PI": "payer-initiated reduction",
               "CR": "correction or reversal"}


@dataclass(frozen=True)
class CodeBadge:
    value: str  # as the payer sent it: "CO-97", "97", "N130"
    category: str  # our category in words ("coding"); "" for a remark code
    text: str  # the client's licensed description, else ""


def _reason(value: str) -> str:
    """The CARC of "CO-97" (or of a bare "97")."""
    group, _, reason = value.partition("-")
    return reason if group.upper() in GROUP_CODES | GROUP_WORDS.keys() and reason else value


@register.simple_tag(takes_context=True)
def adjustment_codes(context: Any, codes: Iterable[str] | None, client_id: int | None,
                     code_list: str = "carc") -> list[CodeBadge]:
    """Badges for ``codes``; descriptions from the client's own import, read as the viewer."""
    values = [str(c) for c in (codes or []) if c]
    user = getattr(context.get("request"), "user", None)
    reasons = {_reason(v).upper() for v in values}
    texts = {} if user is None or client_id is None or not values else {
        d.code: d.text for d in CodeDescription.objects.visible_to(user).filter(
            client_id=client_id, list=code_list, code__in=reasons)}
    return [CodeBadge(v, category_label(category(_reason(v))) if code_list == "carc" else "",
                      texts.get(_reason(v).upper(), "")) for v in values]


@register.filter
def group_words(group: str | None) -> str:
    """"CO" -> "contractual obligation"; an unknown group comes back as it is."""
    return GROUP_WORDS.get((group or "").upper(), group or "—")
