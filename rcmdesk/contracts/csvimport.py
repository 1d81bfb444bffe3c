"""A contract's fee schedule from a CSV file: read, shown as a diff, then applied as a version.

The file is the payer's schedule as a billing office keeps it in a spreadsheet (the format
is in the module ``parse``). Every problem of every row is collected, each with its row
number (as the spreadsheet numbers it, the header being row 1) and its column, and one bad
row refuses the whole file: half a schedule loaded would price claims on a mix of old and
new rates that nobody chose.

Before it takes effect the import is shown as a diff (``preview``): each row against the row
in force for the same code, modifier and place of service on the row's first day, chosen by
``pricing.effective`` exactly as pricing chooses, so "unchanged" means the claims of that day
price the same. Applying it is one ``services.do_add_version`` (the version's source names
the file), which audits the change and reprices the open claims.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from rcmdesk.contracts.book import RATE_FIELDS
from rcmdesk.contracts.models import Contract, ContractVersion, FeeRate, RateBasis
from rcmdesk.contracts.pricing import Rate, effective
from rcmdesk.contracts.services import RateRow, do_add_version
from rcmdesk.errors import Invalid
from rcmdesk.untrusted import Limits, Refused, csv_table

COLUMNS = ("procedure", "modifier", "place_of_service", "basis", "amount", "percent",
           "effective_from", "effective_to", "action")
REQUIRED = ("procedure", "effective_from")
AMOUNT_BASES = (RateBasis.FEE, RateBasis.PER_DIEM, RateBasis.CASE_RATE)
PERCENT_BASES = (RateBasis.PERCENT_OF_REFERENCE, RateBasis.PERCENT_OF_CHARGE)
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
MAX_AMOUNT = Decimal("9999999999.99")  # money_field: 12 digits, 2 places
MAX_PERCENT = Decimal("9999.999")  # percent_field: 7 digits, 3 places
CODE = re.compile(r"^[A-Z0-9]{1,48}$")
MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
PLACE = re.compile(r"^[0-9]{1,2}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: where (row, column) and what, in a billing person's words."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


class ScheduleFileRefused(Invalid):
    """The file was not imported; ``problems`` lists every row and column at fault."""

    title = "The schedule file was not imported"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {count - 5} more)" if count > 5 else ""
        super().__init__(f"Nothing was imported: {count} problem"
                         f"{'' if count == 1 else 's'} in the file. {head}{more}")

    def facts(self) -> dict[str, object]:
        return {"problems": [{"row": p.row, "column": p.column, "message": p.message}
                             for p in self.problems]}


def parse(text: str, limits: Limits | None = None) -> list[RateRow]:
    """The file's rows as ``RateRow``s, or ``ScheduleFileRefused`` naming every problem.

    Header (any order, any case; spaces for underscores): procedure, modifier,
    place_of_service, basis, amount, percent, effective_from, effective_to, action. Only
    procedure and effective_from are required. basis: fee (when blank), pct_reference,
    pct_charge, per_diem, case_rate or their words ("Fee per unit"); amount "120.00" or
    "$1,200.00"; percent "120" or "120%"; dates 12/31/2026 or 2026-12-31; action blank or
    "remove" (the code has no rate of its own from effective_from).
    """
    try:
        header, records = csv_table(text.lstrip("\ufeff"), limits or Limits.of(settings))
        names = {column: _column_name(column) for column in header}
        problems = _header_problems(header, names)
        if problems:
            raise ScheduleFileRefused(problems)
        rows: list[RateRow] = []
        seen: dict[tuple[str, str, str, date], int] = {}
        for number, raw in records:
            values = {names[column]: value for column, value in raw.items() if column}
            if not any(values.values()):
                continue
            row = _row(number, values, problems)
            if row is None:
                continue
            key = (row.procedure, row.modifier, row.place_of_service, row.effective_from)
            if key in seen:
                problems.append(Problem(number, "procedure", (
                    f"{row.procedure} appears again with the same modifier, place of service "
                    f"and effective date as row {seen[key]}; keep one of the two rows.")))
            seen.setdefault(key, number)
            rows.append(row)
    except Refused as exc:
        raise ScheduleFileRefused([Problem(exc.row or 1, exc.column, exc.problem)]) from exc
    if problems:
        raise ScheduleFileRefused(problems)
    if not rows:
        raise ScheduleFileRefused([Problem(2, "", "The file has a header but no rate rows.")])
    return rows


def _column_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _header_problems(header: list[str], names: dict[str, str]) -> list[Problem]:
    problems = [Problem(1, column, "This column is not one the import knows; the columns are "
                        + ", ".join(COLUMNS) + ".")
                for column in header if column and names[column] not in COLUMNS]
    present = set(names.values())
    problems += [Problem(1, required, "This column is missing; every file needs procedure "
                         "and effective_from.") for required in REQUIRED
                 if required not in present]
    return problems


def _row(number: int, values: dict[str, str], problems: list[Problem]) -> RateRow | None:
    found: list[Problem] = []

    def bad(column: str, message: str) -> None:
        found.append(Problem(number, column, message))

    procedure = values.get("procedure", "").upper()
    if not procedure:
        bad("procedure", "The procedure code is missing.")
    elif not CODE.match(procedure):
        bad("procedure", f"{procedure!r} is not a procedure or revenue code (letters and "
                         "digits only).")
    modifier = values.get("modifier", "").upper()
    if modifier and not MODIFIER.match(modifier):
        bad("modifier", f"{modifier!r} is not a modifier (two letters or digits, e.g. 26).")
    place = values.get("place_of_service", "")
    if place and not PLACE.match(place):
        bad("place_of_service", f"{place!r} is not a place of service (a number such as 11).")
    place = place.zfill(2) if place and PLACE.match(place) else place
    basis = _basis(values.get("basis", ""), bad)
    action = values.get("action", "").strip().lower()
    removed = action == "remove"
    if action and not removed:
        bad("action", f"{values['action']!r} is not an action; leave it blank or write "
                      "\"remove\".")
    amount = _number(values.get("amount", ""), "amount", bad)
    percent = _number(values.get("percent", ""), "percent", bad)
    if not removed and basis is not None:
        _needs(basis, amount, percent, values, bad)
    starts = _date(values.get("effective_from", ""), "effective_from", bad)
    if not values.get("effective_from", "") and starts is None:
        bad("effective_from", "The date the rate starts is missing.")
    ends = _date(values.get("effective_to", ""), "effective_to", bad)
    if starts is not None and ends is not None and ends < starts:
        bad("effective_to", f"The rate ends ({ends:%m/%d/%Y}) before it starts "
                            f"({starts:%m/%d/%Y}).")
    problems.extend(found)
    if found or starts is None or basis is None:
        return None
    if removed:
        return RateRow(procedure, starts, basis=basis, modifier=modifier,
                       place_of_service=place, effective_to=ends, removed=True)
    return RateRow(procedure, starts, basis=basis,
                   amount=amount if basis in AMOUNT_BASES else None,
                   percent=percent if basis in PERCENT_BASES else None,
                   modifier=modifier, place_of_service=place, effective_to=ends)


def _basis(text: str, bad: Any) -> str | None:
    if not text:
        return str(RateBasis.FEE)
    wanted = text.strip().lower()
    for choice in RateBasis:
        if wanted in (choice.value, str(choice.label).lower()):
            return str(choice.value)
    words = ", ".join(f'"{choice.label}"' for choice in RateBasis)
    bad("basis", f"{text!r} is not a basis; use one of {words} (or blank for a fee).")
    return None


def _number(text: str, column: str, bad: Any) -> Decimal | None:
    if not text:
        return None
    cleaned = text.replace("$", "").replace(",", "").strip()
    if column == "percent":
        cleaned = cleaned.removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        example = "120 or 120%" if column == "percent" else "120.00 or $1,200.00"
        bad(column, f"{text!r} is not a number (write it like {example}).")
        return None
    if value < 0:
        bad(column, f"{text} is negative; a contract rate cannot be.")
        return None
    places, top = (3, MAX_PERCENT) if column == "percent" else (2, MAX_AMOUNT)
    if value > top or value != value.quantize(Decimal(1).scaleb(-places)):
        what = "3 decimal places" if column == "percent" else "cents"
        bad(column, f"{text} has more than {what} or is too large.")
        return None
    return value.quantize(Decimal(1).scaleb(-places))


def _needs(basis: str, amount: Decimal | None, percent: Decimal | None,
           values: dict[str, str], bad: Any) -> None:
    words = RateBasis(basis).label
    if basis in AMOUNT_BASES and amount is None and not values.get("amount"):
        bad("amount", f"The amount is missing; a {str(words).lower()} rate needs one.")
    if basis in PERCENT_BASES and percent is None and not values.get("percent"):
        bad("percent", f"The percent is missing; a rate at {str(words).lower()} needs one.")


def _date(text: str, column: str, bad: Any) -> date | None:
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    bad(column, f"{text!r} is not a date (write it like 12/31/2026 or 2026-12-31).")
    return None


# --- the diff --------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One imported row and the row in force for its key on its first day (None: none)."""

    row: RateRow
    old: Rate | None


@dataclass
class Diff:
    """What the import would change, in the order of the file."""

    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


def preview(contract: Contract, rows: Sequence[RateRow]) -> Diff:
    """Each row against the contract's row in force for the same key on its first day."""
    by_key: dict[tuple[str, str, str], list[Rate]] = defaultdict(list)
    for values in FeeRate.objects.filter(contract_id=contract.pk).values_list(*RATE_FIELDS):
        pk, _contract, version, *rest = values
        rate = Rate(pk, version, *rest)
        by_key[rate.key].append(rate)
    diff = Diff()
    for row in rows:
        old = effective(by_key.get((row.procedure, row.modifier, row.place_of_service), ()),
                        row.effective_from)
        change = Change(row, old)
        if row.removed:
            diff.removed.append(change)
        elif old is None:
            diff.added.append(change)
        elif (old.basis, old.amount, old.percent, old.effective_to) == (
                row.basis, row.amount, row.percent, row.effective_to):
            diff.unchanged += 1
        else:
            diff.changed.append(change)
    return diff


def apply(contract: Contract, rows: Sequence[RateRow], *, name: str, note: str,
          acting_user: Any) -> ContractVersion:
    """The file's rows as one new version (audited, then the open claims repriced)."""
    return do_add_version(contract, rows, note=note, source=f"CSV import {name}"[:255],
                          acting_user=acting_user)


def text_of(data: bytes) -> str:
    """A spreadsheet export's text: UTF-8 (with or without its mark), else Windows-1252, the
    encoding Excel and older CMS files use."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
