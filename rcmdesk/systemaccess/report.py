"""The weekly report's "Access" section: revocations still open at the week's end (shown
until there are none) and logins due for review on the week's last day, on the client's
calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from rcmdesk.systemaccess import queries
from rcmdesk.systemaccess.models import RevocationTask, SystemAccess
from rcmdesk.tenancy.models import Organization


def weekly_section(client: Organization, end: datetime) -> dict[str, Any]:
    """``end``: the week's end (the client's Monday midnight after it)."""
    open_then = (RevocationTask.objects
                 .filter(access__engagement__client=client, opened_at__lt=end)
                 .filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__gte=end))
                 .select_related("access__user", "access__system").order_by("opened_at", "pk"))
    last_moment = end - timedelta(microseconds=1)
    due = queries.reviews_due(SystemAccess.objects.filter(granted_at__lt=end), client,
                              last_moment)
    return {"revocations": [
        {"person": t.access.user.get_full_name() or t.access.user.username,
         "system": t.access.system.name, "account": t.access.account_name,
         "trigger": t.trigger, "opened_at": t.opened_at} for t in open_then],
        "reviews_due": len(due)}
