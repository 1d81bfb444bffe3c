"""The demo's service levels and business calendars.

Acme's engagement opens with targets of the kind commercial outsourcers publish (95 % of AR
and denial items acted on within 3 and 10 business days, 95 % of 835 remittances posted
within 4 business days of receipt, QA accuracy of at least 95 %), set by Acme's admin. Every
demo client keeps a synthetic US holiday list for 2025-2027, *computed* from the usual rules
(fixed days moved to the nearest weekday when they fall on a weekend, "the n-th Monday"
days counted), never copied from a published calendar. Idempotent: a rerun adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rcmdesk.accounts.models import User
from rcmdesk.servicelevels.models import Kind, ServiceLevel
from rcmdesk.servicelevels.services import set_target
from rcmdesk.tenancy.calendars import add_holiday
from rcmdesk.tenancy.models import Engagement, Holiday, Organization
from rcmdesk.tenancy.roles import Role, Workflow

YEARS = (2025, 2026, 2027)
ACME_TARGETS = (
    (Kind.ACTED_ON, Workflow.AR_FOLLOWUP, 3, Decimal("95")),
    (Kind.ACTED_ON, Workflow.DENIALS, 10, Decimal("95")),
    (Kind.POSTED, Workflow.POSTING, 4, Decimal("95")),
    (Kind.QA_ACCURACY, None, None, Decimal("95")),
)


@dataclass(frozen=True)
class DemoServiceLevels:
    targets: int
    holidays: int


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of the month; n = -1 is the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def observed(day: date) -> date:
    """A fixed-date holiday on a Saturday is kept the Friday before, on a Sunday the
    Monday after."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def us_holidays(year: int) -> list[tuple[date, str]]:
    """A US medical office's usual holidays of ``year``, in order."""
    thanksgiving = nth_weekday(year, 11, 3, 4)
    days = [
        (observed(date(year, 1, 1)), "New Year's Day"),
        (nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
        (nth_weekday(year, 5, 0, -1), "Memorial Day"),
        (observed(date(year, 6, 19)), "Juneteenth"),
        (observed(date(year, 7, 4)), "Independence Day"),
        (nth_weekday(year, 9, 0, 1), "Labor Day"),
        (thanksgiving, "Thanksgiving Day"),
        (thanksgiving + timedelta(days=1), "Day after Thanksgiving"),
        (observed(date(year, 12, 25)), "Christmas Day"),
    ]
    return sorted(days)


def build_service_levels() -> DemoServiceLevels:
    for client in Organization.objects.clients().order_by("slug"):
        admin = User.objects.filter(organization=client, role=Role.CLIENT_ADMIN,
                                    is_active=True).order_by("username").first()
        if admin is not None:
            _holidays(client, admin)
    acme = Organization.objects.filter(slug="acme").first()
    admin = User.objects.filter(username="acme.admin").first()
    engagement = Engagement.objects.filter(client=acme, partner__kind="partner").first()
    if acme is not None and admin is not None and engagement is not None:
        for kind, workflow, days, percent in ACME_TARGETS:
            if workflow is not None and workflow not in engagement.scope:
                continue
            if not ServiceLevel.objects.filter(engagement=engagement, kind=kind,
                                               workflow=workflow or "").exists():
                set_target(engagement, kind, workflow or "", days, percent,
                           acting_user=admin)
    return DemoServiceLevels(targets=ServiceLevel.objects.filter(active=True).count(),
                             holidays=Holiday.objects.count())


def _holidays(client: Organization, admin: User) -> None:
    kept = set(Holiday.objects.filter(client=client).values_list("day", flat=True))
    for year in YEARS:
        for day, name in us_holidays(year):
            if day not in kept:
                add_holiday(client, day, name, acting_user=admin)
