"""The client's list of write-off (adjustment) reasons: the defaults every new client starts
with, and the client admin's changes to it.

The defaults are the reasons billing teams commonly write a balance off for, each with the
CARC that usually leads there; a client admin renames, retires or adds to them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.decisions.models import AdjustmentReason
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action

DEFAULT_REASONS: tuple[tuple[str, str, str], ...] = (
    ("TIMELY", "Timely filing limit passed", "29"),
    ("NOAUTH", "No prior authorization on file", "197"),
    ("NONCOV", "Service not covered by the plan", "96"),
    ("ELIG", "Patient not covered on the date of service", "27"),
    ("APPEAL", "Appeals exhausted: the payer upheld the denial", ""),
    ("SMALL", "Small balance, not worth pursuing", ""),
    ("BADDEBT", "Bad debt: patient balance sent to collections", ""),
    ("CONTRACT", "Contractual amount the payer did not adjust", "45"),
    ("ADMIN", "Administrative adjustment (client policy)", ""),
)


class ReasonProblem(errors.Invalid, ValueError):
    """The reason cannot be saved as given (shown beside the form)."""


def seed_defaults(client: Organization) -> int:
    """Give a client the default list (idempotent: existing codes are left as they are)."""
    if not client.is_client:
        return 0
    existing = set(AdjustmentReason.objects.filter(client=client).values_list("code", flat=True))
    new = [AdjustmentReason(client=client, code=code, label=label, carc=carc)
           for code, label, carc in DEFAULT_REASONS if code not in existing]
    AdjustmentReason.objects.bulk_create(new)
    return len(new)


def active_reasons(client_id: int) -> list[AdjustmentReason]:
    return list(AdjustmentReason.objects.filter(client_id=client_id, active=True))


def save_reason(client: Organization, code: str, label: str, carc: str = "",
                active: bool = True, *, acting_user: Any) -> AdjustmentReason:
    """Add a reason, or change one (by its code): its label, CARC, or retire / restore it."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk)
    code = code.strip().upper()
    if not code or len(code) > 20 or not code.replace("_", "").replace("-", "").isalnum():
        raise ReasonProblem("Give the reason a short code: letters, digits, - or _ "
                            "(at most 20).")
    if not label.strip():
        raise ReasonProblem("Say what the reason means (its label).")
    with transaction.atomic():
        reason, created = AdjustmentReason.objects.update_or_create(
            client=client, code=code, defaults={
                "label": label.strip()[:120], "carc": carc.strip().upper()[:10],
                "active": active, "updated_by": person(acting_user),
                "updated_at": timezone.now()})
        record("decisions.adjustment_reason", client_id=client.pk, obj=reason,
               acting_user=acting_user,
               detail={"code": code, "label": reason.label, "carc": reason.carc,
                       "active": active, "created": created})
    return reason
