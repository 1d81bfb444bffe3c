"""Dates of service that cannot be true: a payer denies them, and they usually mean a typo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rcmdesk.scrubber.registry import Context, Hit, Subject, rule
from rcmdesk.scrubber.rules._util import at


def _dates(s: Subject) -> Iterator[tuple[str, date, int | None]]:
    c = s.claim
    for name, d in (("claim.service_from", c.service_from), ("claim.service_to", c.service_to)):
        if d is not None:
            yield name, d, None
    for line in s.lines:
        if line.service_date is not None:
            yield at(line, "service_date"), line.service_date, line.line_number


@rule("DT001", topic="dates", severity="error", field="claim.service_from",
      title="No date of service in the future",
      why="A claim may be billed only for services already given.")
def not_future(s: Subject, ctx: Context) -> Iterator[Hit]:
    for name, d, line_number in _dates(s):
        if d > ctx.today:
            yield Hit(f"Date of service {d} is after today ({ctx.today}).", name, line_number)


@rule("DT002", topic="dates", severity="error", field="claim.service_from",
      title="No date of service before the patient's birth",
      why="A service before birth is impossible (a newborn's claim carries the newborn's "
          "own birth date).")
def not_before_birth(s: Subject, ctx: Context) -> Iterator[Hit]:
    born = s.patient.birth_date if s.patient else None
    if born is None:
        return
    for name, d, line_number in _dates(s):
        if d < born:
            yield Hit(f"Date of service {d} is before the patient's birth.", name, line_number)


@rule("DT003", topic="dates", severity="error", field="claim.service_to",
      title="Service period from is not after to",
      why="DTP*434 / DTP*472 periods must run forwards.")
def period_forwards(s: Subject, ctx: Context) -> Iterator[Hit]:
    c = s.claim
    if c.service_from and c.service_to and c.service_from > c.service_to:
        yield Hit(f"The service period runs backwards ({c.service_from} to {c.service_to}).")


@rule("DT004", topic="dates", severity="error", field="line[n].service_date",
      title="Line dates inside the claim's service period",
      why="A line dated outside the claim (statement) period is rejected.")
def lines_in_period(s: Subject, ctx: Context) -> Iterator[Hit]:
    c = s.claim
    if c.service_from is None:
        return
    end = c.service_to or c.service_from
    for line in s.lines:
        d = line.service_date
        if d is not None and not c.service_from <= d <= end:
            yield Hit(f"Line {line.line_number} is dated {d}, outside the claim's period "
                      f"{c.service_from} to {end}.", at(line, "service_date"),
                      line.line_number)
