"""An item's ``detail`` (what its producer noted: codes, dates, the payer's numbers) in the
office's words, for the item page.

``detail`` is a JSON dict written by each producer for machines and people alike; shown as
it is, it reads ``carcs: ['CO-97']`` and ``followup_days: 30``. Here each known key gets
its words and the kind of value it holds (a day, a count, a code to label), internal ids
become links or drop out, and the denial's codes come back as code + category (+ the
client's licensed description where it imported one), as the claim page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rcmdesk.remits.carc_categories import category, category_label
from rcmdesk.remits.models import CodeDescription
from rcmdesk.workqueue.models import WorkItem

# key -> (words, kind); kind tells the page how to show the value: "text", "day", "label",
# "days" (a count of days), "pct" (a fraction 0..1), "money" (dollars), "points" (QA failed
# points), "item" (another work item's number: a link), "visit", "remittance" (links).
WORDS: dict[str, tuple[str, str]] = {
    "payer": ("Payer", "text"),
    "why": ("Why it is here", "text"),
    "service_date": ("Date of service", "day"),
    "last_response": ("Last payer response", "day"),
    "followup_days": ("Follow up every", "days"),
    "timely_filing_days": ("Timely filing limit", "days"),
    "remit_date": ("Denied on (remit date)", "day"),
    "remit": ("Remittance", "remittance"),
    "trace": ("Remit trace number", "text"),
    "payer_claim_number": ("Payer claim number (ICN)", "text"),
    "patient_control_number": ("Claim number on the remit", "text"),
    "status_code": ("Claim status on the remit (CLP02)", "text"),
    "appeal_days": ("Appeal limit", "days"),
    "rules": ("Limits from", "label"),
    "reason": ("Reason", "label"),
    "text": ("What the remit said", "text"),
    "week": ("QA week", "text"),
    "score": ("QA score", "pct"),
    "failed_points": ("Failed points", "points"),
    "item_id": ("Audited item", "item"),
    "code": ("Procedure", "text"),
    "problem": ("Problem", "label"),
    "message": ("What is wrong", "text"),
    "scheduled_on": ("Visit on", "day"),
    "visit_id": ("Visit", "visit"),
    "next_step": ("Next step", "label"),
    # underpayment / overpayment / recoupment items (contracts): amounts as strings
    "contract": ("Contract", "text"),
    "rate": ("Contract rate", "text"),
    "basis": ("How the contract prices it", "text"),
    "expected": ("Expected (contract)", "money"),
    "allowed": ("Allowed (paid + patient responsibility)", "money"),
    "paid": ("Paid", "money"),
    "patient_responsibility": ("Patient responsibility (PR)", "money"),
    "variance": ("Variance (allowed - expected)", "money"),
    "co45_excess": ("CO-45 beyond the contract's allowance", "money"),
    "source": ("Taken back by", "text"),
    "plb_reason": ("PLB reason", "text"),
    "reference": ("PLB reference", "text"),
    "how": ("Traced to the payment by", "text"),
    "original_remit": ("Payment taken back (remittance)", "remittance"),
}
# Shown elsewhere on the page (codes, the exception's button) or ids with no page of their own.
HIDDEN = frozenset({"carcs", "rarcs", "group", "carc", "exception", "patient_id", "payer_id",
                    "authorization_id", "claim_id", "line", "audit_id", "call",
                    "remit_line", "variance_id", "recoupment"})


@dataclass(frozen=True)
class Fact:
    words: str
    value: Any
    kind: str  # see WORDS


@dataclass(frozen=True)
class Code:
    """A CARC (with its group and our category) or a RARC, as the office reads it."""

    value: str  # "CO-97", "N290"
    category: str = ""  # "bundled / included in another service"; "" for a RARC
    text: str = ""  # the client's licensed description, when imported


def facts(item: WorkItem) -> list[Fact]:
    """The item's noted facts worth reading, in the producer's order; an unknown key keeps
    its value, worded from its name, so a new producer's fact is never lost."""
    found = []
    for key, value in item.detail.items():
        if key in HIDDEN or value is None or value == "" or value == []:
            continue
        words, kind = WORDS.get(key, (key.replace("_", " ").capitalize(), "text"))
        found.append(Fact(words, _typed(value, kind), kind))
    return found


def _typed(value: Any, kind: str) -> Any:
    """The value as the page's filter for ``kind`` wants it: a day as a date, a QA score
    (a fraction) in percent, a list or dict of text as words."""
    if kind == "day":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if kind == "pct":
        try:
            return Decimal(str(value)) * 100
        except InvalidOperation:
            return None
    if kind == "money":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if kind == "points":
        return [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []
    if kind in ("text", "label") and isinstance(value, list | dict):
        return _plain(value)
    return value


def _plain(value: list[Any] | dict[str, Any]) -> str:
    """A list or dict of an unknown fact as words, never a Python repr."""
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items())
    return ", ".join(_plain(v) if isinstance(v, list | dict) else str(v) for v in value)


def denial_codes(item: WorkItem) -> list[Code]:
    """The denial's CARCs (group-code, each with our category) and RARCs (one query, for the
    client's own descriptions)."""
    carcs = [str(c) for c in item.detail.get("carcs") or [] if c]
    rarcs = [str(r) for r in item.detail.get("rarcs") or [] if r]
    if not carcs and not rarcs:
        return []
    texts = {(d.list, d.code): d.text for d in CodeDescription.objects.filter(
        client_id=item.client_id, code__in=[c.rpartition("-")[2].upper() for c in carcs]
        + [r.upper() for r in rarcs])}
    codes = []
    for carc in carcs:
        reason = carc.rpartition("-")[2]
        codes.append(Code(carc, category_label(category(reason)),
                          texts.get(("carc", reason.upper()), "")))
    codes.extend(Code(r, "", texts.get(("rarc", r.upper()), "")) for r in rarcs)
    return codes
