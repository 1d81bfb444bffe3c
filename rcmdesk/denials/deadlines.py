"""The appeal deadline flag: one rule for every page that shows an appeal (the appeals
list, the appeal page, the work item page, the claim page through ``queries``).

Only an appeal not yet filed races its deadline: once filed, the payer has it in time.
"Near" is within ``NEAR`` days of the client's today (``Organization.today``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from rcmdesk.denials.models import UNFILED_STATUSES, Appeal

NEAR = timedelta(days=14)


@dataclass(frozen=True)
class DeadlineFlag:
    level: str  # "past", "near" or "" (nothing to flag)
    words: str  # "3 days past the deadline", "due in 5 days", "due today"

    def __bool__(self) -> bool:
        return bool(self.level)


NO_FLAG = DeadlineFlag("", "")


def deadline_flag(appeal: Appeal, today: date | None = None) -> DeadlineFlag:
    if appeal.deadline is None or appeal.status not in UNFILED_STATUSES:
        return NO_FLAG
    days = (appeal.deadline - (today or appeal.client.today())).days
    if days < 0:
        return DeadlineFlag("past", f"{-days} day{'s' if days != -1 else ''} past the deadline")
    if days > NEAR.days:
        return NO_FLAG
    return DeadlineFlag("near", "due today" if days == 0
                        else f"due in {days} day{'s' if days != 1 else ''}")


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

