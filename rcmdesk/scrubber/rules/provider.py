"""Provider identifiers: an NPI with a wrong check digit or a malformed taxonomy is refused at
the front door, and it is cheap to catch here."""

from __future__ import annotations

from collections.abc import Iterator

from rcmdesk.scrubber.codesets import TAXONOMY_FORM
from rcmdesk.scrubber.registry import Context, Hit, Subject, rule

NPI_PREFIX = "80840"  # the card-issuer prefix the NPI check digit is computed with


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes ``payload + digit`` valid (doubling from the right)."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of 80840 + the first nine (CMS)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    return luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


@rule("NPI01", topic="provider", severity="error", field="billing_provider.npi",
      title="Billing provider NPI has a valid check digit",
      why="NPIs are ten digits with a Luhn check digit over 80840 + the first nine; a "
          "mistyped NPI fails it and the payer rejects the claim.")
def billing_npi(s: Subject, ctx: Context) -> Iterator[Hit]:
    p = s.provider
    if p is not None and p.npi.strip() and not npi_is_valid(p.npi):
        yield Hit(f"Billing provider NPI {p.npi} is not a valid NPI (check digit).")


@rule("TX001", topic="provider", severity="error", field="billing_provider.taxonomy",
      title="Billing provider taxonomy present and well formed",
      why="PRV*BI*PXC: payers price and route on it; a taxonomy code is ten characters "
          "ending in X.")
def billing_taxonomy(s: Subject, ctx: Context) -> Iterator[Hit]:
    p = s.provider
    if p is None:
        return
    if not p.taxonomy.strip():
        yield Hit("The billing provider has no taxonomy code.")
    elif not TAXONOMY_FORM.match(p.taxonomy):
        yield Hit(f"Taxonomy {p.taxonomy!r} is not a taxonomy code (ten characters ending "
                  "in X).")
