"""Money as a billing person reads it: "$1,234.56", "($5.00)"; one filter for every page."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

CENT = Decimal("0.01")


@register.filter
def money(value: Decimal | int | str | None) -> str:
    """Dollars with thousands separators and two places; "—" when there is no amount.

    A negative amount (a credit, a takeback, a write-off on the ledger) reads in
    parentheses, as on an accountant's statement: "($40.00)".

    Amounts are Decimals already rounded to cents; rounding here only guards a value that
    was not (an int, a string), so the page never shows more places than the ledger keeps.
    """
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        return f"(${abs(amount):,.2f})"
    return f"${amount:,.2f}"
