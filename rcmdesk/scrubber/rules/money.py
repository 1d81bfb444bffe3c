"""Charges and units: CLM02 must equal the sum of the line charges, and nothing is billed
for zero or a negative amount."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from rcmdesk.scrubber.registry import Context, Hit, Subject, rule
from rcmdesk.scrubber.rules._util import at

ZERO = Decimal("0")


@rule("MN001", topic="money", severity="error", field="line[n].charge",
      title="Every line charge is positive",
      why="SV102 / SV203: a line is billed for an amount above zero.")
def line_charge_positive(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if line.charge is None or Decimal(line.charge) <= ZERO:
            yield Hit(f"Line {line.line_number} charge must be above zero.",
                      at(line, "charge"), line.line_number)


@rule("MN002", topic="money", severity="error", field="claim.total_charge",
      title="Claim total equals the sum of the line charges",
      why="The guide requires CLM02 to equal the sum of SV102 (837P) / SV203 (837I).")
def totals_consistent(s: Subject, ctx: Context) -> Iterator[Hit]:
    if not s.lines:
        return
    lines_total = sum((Decimal(ln.charge or 0) for ln in s.lines), ZERO)
    if Decimal(s.claim.total_charge) != lines_total:
        yield Hit(f"Claim total {s.claim.total_charge} differs from the lines' sum "
                  f"{lines_total:.2f}.")


@rule("MN003", topic="money", severity="error", field="line[n].units",
      title="Units are positive",
      why="SV104 / SV205: zero or negative units are not a service.")
def units_positive(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if line.units is not None and Decimal(line.units) <= ZERO:
            yield Hit(f"Line {line.line_number} units must be above zero.",
                      at(line, "units"), line.line_number)
