"""The presentation layer every page uses: money, dates, times, percentages, counts, labels.

One library, one style: ``{% load present %}`` and ``{{ amount|money }}``,
``{{ claim.service_date|day }}``, ``{{ event.at|when:client.time_zone }}``,
``{{ rate|pct }}``, ``{{ count|num }}``, ``{{ item.workflow|label:"workflow" }}``.
A page never shows a Python repr: every filter answers "—" for a missing value.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from rcmdesk import labels
from rcmdesk.calendar import office_day
from rcmdesk.web.templatetags.money import money as money_filter

register = template.Library()
DASH = "—"

register.filter("money", money_filter)


@register.filter
def dash(value: Any) -> Any:
    """The value, or "—" where there is none (never "None" on a page)."""
    return DASH if value is None or value == "" else value


@register.filter
def label(value: Any, family: str | None = None) -> str:
    """Words for a stored code, capitalised for a cell or a badge:
    ``{{ item.status|label:"item_status" }}`` -> "Waiting on the payer".
    Mid-sentence, follow it with ``|lower``."""
    words = labels.label(value, family)
    return words[:1].upper() + words[1:]


def _local(moment: datetime, zone: str | None) -> datetime:
    if timezone.is_naive(moment):
        return moment
    return moment.astimezone(ZoneInfo(zone)) if zone else timezone.localtime(moment)


@register.filter
def day(value: date | datetime | None, zone: str | None = None) -> str:
    """A calendar day as the office writes it: 12/05/2026 (a moment: its day in ``zone``)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, datetime):
        value = _local(value, zone).date()
    return office_day(value)


@register.filter
def when(value: datetime | None, zone: str | None = None) -> str:
    """A moment in the client's zone, named: "12/05/2026 2:30 PM EST".

    Pass the client's zone (``when:client.time_zone``); without one the active zone
    (``{% timezone %}``) is used, so one page never mixes zones.
    """
    if value is None or value == "":
        return DASH
    local = _local(value, zone)
    hour = local.strftime("%I").lstrip("0")
    return f"{office_day(local)} {hour}:{local:%M %p} {local.tzname() or ''}".rstrip()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def pct(value: Any, places: int = 1) -> str:
    """A percentage given in percent (45.2 -> "45.2%"); "—" when it cannot be computed."""
    number = _decimal(value)
    if number is None:
        return DASH
    step = Decimal(1).scaleb(-int(places))
    return f"{number.quantize(step, rounding=ROUND_HALF_UP):,}%"


@register.filter
def num(value: Any, places: int = 0) -> str:
    """A count or measure with thousands separators: 1,234 (``num:1`` -> 1,234.5)."""
    number = _decimal(value)
    if number is None:
        return DASH
    step = Decimal(1).scaleb(-int(places))
    return f"{number.quantize(step, rounding=ROUND_HALF_UP):,}"
