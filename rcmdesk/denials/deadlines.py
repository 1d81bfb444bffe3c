"""The appeal deadline flag: one rule for every page that shows an appeal (the appeals
list, the appeal page, the work item page, the claim page through ``queries``).

Only an appeal not yet filed races its deadline: once filed, the payer has it in time.
"Near" is within ``NEAR`` days of the client's today (``Organization.today``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Q

from rcmdesk.calendar import DEADLINE_NEAR, NO_FLAG, DeadlineFlag
from rcmdesk.calendar import deadline_flag as flag_for
from rcmdesk.denials.models import UNFILED_STATUSES, Appeal

__all__ = ["NEAR", "DeadlineFlag", "deadline_flag", "flagged"]

NEAR = DEADLINE_NEAR


def deadline_flag(appeal: Appeal, today: date | None = None) -> DeadlineFlag:
    """The appeal's flag; a filed (or declined) appeal no longer races its deadline."""
    if appeal.status not in UNFILED_STATUSES:
        return NO_FLAG
    return flag_for(appeal.deadline, today or appeal.client.today())


def flagged(level: str) -> Callable[[date], Q]:
    """The rows a flag filter keeps, on one client day (``tenancy.models.on_client_days``)."""
    unfiled = Q(status__in=UNFILED_STATUSES, deadline__isnull=False)

    def condition(today: date) -> Q:
        if level == "past":
            return unfiled & Q(deadline__lt=today)
        if level == "near":
            return unfiled & Q(deadline__gte=today, deadline__lte=today + NEAR)
        return unfiled & Q(deadline__lte=today + NEAR)

    return condition

