"""The client's business calendar, read from its rows: the one place that turns a client's
working weekdays and holidays into a ``rcmdesk.calendar.BusinessCalendar``.

Why here: "within 3 business days" is a promise made on the client's calendar (its
holidays, its working week), so everything that counts business days for a client asks this
function rather than assuming Monday to Friday with no holidays. Changing the holidays is a
client admin's act (``MANAGE_ENGAGEMENT_SCOPE``: client-only by the permission matrix, as
the calendar decides what the partner is held to), audited in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.calendar import BusinessCalendar, office_day
from rcmdesk.errors import Conflict, Invalid
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Holiday, Organization
from rcmdesk.tenancy.roles import Action


def business_calendar(client: Organization) -> BusinessCalendar:
    """The client's working weekdays and every holiday it keeps (a few dozen rows)."""
    holidays = Holiday.objects.filter(client_id=client.pk).values_list("day", flat=True)
    return BusinessCalendar(weekdays=frozenset(client.working_weekdays),
                            holidays=frozenset(holidays))


@transaction.atomic
def add_holiday(client: Organization, day: date, name: str, *, acting_user: Any) -> Holiday:
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, client.pk)
    name = name.strip()
    if not name:
        raise Invalid("Name the holiday.")
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(client=client, day=day, name=name[:120],
                                             created_by=person(acting_user))
    except IntegrityError as exc:
        raise Conflict(f"{office_day(day)} is already a holiday.") from exc
    record("holiday_added", client_id=client.pk, obj=holiday,
           detail={"day": day, "name": holiday.name})
    return holiday


@transaction.atomic
def remove_holiday(holiday: Holiday, *, acting_user: Any) -> None:
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, holiday.client_id)
    record("holiday_removed", client_id=holiday.client_id, obj=holiday,
           detail={"day": holiday.day, "name": holiday.name})
    holiday.delete()


@transaction.atomic
def set_working_weekdays(client: Organization, weekdays: list[int], *,
                         acting_user: Any) -> Organization:
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, client.pk)
    chosen = sorted(set(weekdays))
    if not chosen or not all(0 <= d <= 6 for d in chosen):
        raise Invalid("Choose at least one working weekday.")
    before = list(client.working_weekdays)
    client.working_weekdays = chosen
    client.save(update_fields=["working_weekdays"])
    record("working_weekdays_changed", client_id=client.pk, obj=client,
           detail={"before": before, "after": chosen})
    return client
