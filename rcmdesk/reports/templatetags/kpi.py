"""``{% load kpi %}``: a KPI's number in its unit, for the dashboard and the weekly report.

A KPI carries its unit ("$", "%", "days", "count"); this picks the matching filter of the
presentation layer (``present``), so "150.0 days", "45.2%", "$1,234.00" and "1.72" read the
same on every page and "—" stands where there was nothing to divide by.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from rcmdesk.web.templatetags.money import money as money_filter
from rcmdesk.web.templatetags.present import DASH, num, pct

register = template.Library()


@register.filter
def in_unit(value: Decimal | int | None, unit: str) -> str:
    if value is None:
        return DASH
    if unit == "$":
        return money_filter(value)
    if unit == "%":
        return pct(value)
    exponent = Decimal(value).as_tuple().exponent
    text = num(value, max(-exponent, 0) if isinstance(exponent, int) else 0)
    return f"{text} days" if unit == "days" else text


@register.filter
def data_value(value: Any) -> str:
    """A sortable cell's key (``<td data-value>``): the raw number, "" for none."""
    return "" if value is None else str(value)
