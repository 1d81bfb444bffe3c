"""Each payer's recent pay rate for one client: what share of billed dollars it paid.

The priority score multiplies an open balance by this rate to estimate recoverable dollars.
It is measured over remits of the last ``WINDOW`` days (old contracts and old payer behaviour
say little about today's), summed per payer in one query per client. Reversals (CLP02 22)
carry negative charge and paid, so they net out of both sums on their own.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from rcmdesk.remits.models import RemitClaim

WINDOW = timedelta(days=180)
RATE_PLACES = Decimal("0.0001")


def pay_rates(client_id: int, today: date) -> dict[int, Decimal]:
    """payer pk -> paid / billed over the window; payers with no billed dollars are absent."""
    rows = (RemitClaim.objects
            .filter(remittance__client_id=client_id, remittance__payer__isnull=False,
                    remittance__payment_date__gt=today - WINDOW,
                    remittance__payment_date__lte=today)
            .values_list("remittance__payer_id")
            .annotate(paid=Sum("paid"), billed=Sum("charge"))
            .order_by())
    rates: dict[int, Decimal] = {}
    for payer_id, paid, billed in rows:
        if billed and billed > 0:
            rate = min(Decimal(1), max(Decimal(0), Decimal(paid or 0) / Decimal(billed)))
            rates[payer_id] = rate.quantize(RATE_PLACES)
    return rates


def pay_rate(rates: dict[int, Decimal], payer_id: int | None) -> Decimal | None:
    """The payer's rate, or None with no history (the score then uses its default)."""
    return rates.get(payer_id) if payer_id is not None else None
