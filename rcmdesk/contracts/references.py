"""Loading a public reference schedule (the CMS physician fee schedule) for a client.

Contracts that pay "a percent of Medicare" price against the file the client loads here: the
CMS PFS Look-up Tool's CSV export for its locality and year (columns HCPCS, MOD,
NON-FACILITY PRICE, FACILITY PRICE; header spellings vary by year and the prices carry "$"
and thousands commas; the export may start with a few lines of title before the header).

Reference schedules are not versioned, unlike contracts: the public schedule is a fact of
its year, not a term the client negotiated, so loading a schedule under a name already in
use replaces its rows (a new year is loaded under a new name and the contract pointed at
it). Because a replacement changes what open claims are worth, every contract that uses the
schedule gets its open claims repriced afterwards (``expected.recompute_open_claims``).
Loading is the client's decision (``MANAGE_CONTRACTS``) and is audited.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.contracts import expected
from rcmdesk.contracts.csvimport import Problem, ScheduleFileRefused
from rcmdesk.contracts.models import Contract, ReferenceRate, ReferenceSchedule
from rcmdesk.contracts.services import client_decides
from rcmdesk.db import bulk
from rcmdesk.tenancy.models import Organization
from rcmdesk.untrusted import Limits, Refused, csv_rows

HEADER_SEARCH_ROWS = 30  # title lines the export may carry before its header
COLUMNS = {
    "procedure": ("HCPCS", "HCPCS CODE", "CPT/HCPCS", "CODE"),
    "modifier": ("MOD", "MODIFIER"),
    "non_facility": ("NON FACILITY PRICE", "NONFACILITY PRICE", "NON FACILITY FEE",
                     "NON FACILITY AMOUNT", "NON FAC PRICE"),
    "facility": ("FACILITY PRICE", "FACILITY FEE", "FACILITY AMOUNT", "FAC PRICE"),
}
NOT_PRICED = frozenset({"", "NA", "N/A", "-", "NOT APPLICABLE"})
CODE = re.compile(r"^[A-Z0-9]{5}$")


def _name(cell: str) -> str:
    return re.sub(r"[\s\-_]+", " ", cell.strip().upper())


def parse(text: str, limits: Limits | None = None) -> list[tuple[str, str, Decimal, Decimal]]:
    """(procedure, modifier, non-facility, facility) per code, or ``ScheduleFileRefused``.

    A price given only for one setting ("NA" for the other) is used for both; a code with
    neither is not priced by the schedule and is skipped.
    """
    found: list[tuple[str, str, Decimal, Decimal]] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    where: dict[str, int] | None = None
    header: list[str] = []
    try:
        for number, cells in csv_rows(text.lstrip("\ufeff"), limits or Limits.of(settings),
                                      header=False):
            if where is None:
                where = _header(cells)
                if where is None and number >= HEADER_SEARCH_ROWS:
                    break
                header = cells
                continue
            _row(number, cells, where, header, found, problems, seen)
    except Refused as exc:
        raise ScheduleFileRefused([Problem(exc.row or 1, exc.column, exc.problem)]) from exc
    if where is None:
        raise ScheduleFileRefused([Problem(1, "", (
            "No header with the columns HCPCS, NON-FACILITY PRICE and FACILITY PRICE was "
            "found; export the schedule from the CMS PFS Look-up Tool as CSV."))])
    if problems:
        raise ScheduleFileRefused(problems)
    if not found:
        raise ScheduleFileRefused([Problem(1, "", "The file has no priced codes.")])
    return found


def _header(cells: list[str]) -> dict[str, int] | None:
    names = [_name(c) for c in cells]
    where = {}
    for column, spellings in COLUMNS.items():
        index = next((i for i, n in enumerate(names) if n in spellings), None)
        if index is not None:
            where[column] = index
    if {"procedure", "non_facility", "facility"} <= set(where):
        return where
    return None


def _row(number: int, cells: list[str], where: dict[str, int], header: list[str],
         found: list[tuple[str, str, Decimal, Decimal]], problems: list[Problem],
         seen: dict[tuple[str, str], int]) -> None:
    def cell(column: str) -> str:
        index = where.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def name(column: str) -> str:
        return header[where[column]].strip()

    procedure = cell("procedure").upper()
    if not procedure:
        return
    modifier = cell("modifier").upper()
    bad = len(problems)
    if not CODE.match(procedure):
        problems.append(Problem(number, name("procedure"),
                                f"{procedure!r} is not a HCPCS code (five letters or digits)."))
    if modifier and not re.match(r"^[A-Z0-9]{2}$", modifier):
        problems.append(Problem(number, name("modifier"), f"{modifier!r} is not a modifier."))
    prices = [_price(cell(c), number, name(c), problems) for c in ("non_facility", "facility")]
    if len(problems) > bad:
        return
    non_facility, facility = prices
    if non_facility is None and facility is None:
        return
    key = (procedure, modifier)
    if key in seen:
        problems.append(Problem(number, name("procedure"), (
            f"{procedure}{' ' + modifier if modifier else ''} is listed again (first on row "
            f"{seen[key]}); load one locality's file at a time.")))
        return
    seen[key] = number
    found.append((procedure, modifier, non_facility or facility or Decimal(0),
                  facility or non_facility or Decimal(0)))


def _price(text: str, row: int, column: str, problems: list[Problem]) -> Decimal | None:
    if text.strip().upper() in NOT_PRICED:
        return None
    try:
        value = Decimal(text.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        problems.append(Problem(row, column, f"{text!r} is not a price (write it like "
                                             "$1,234.56)."))
        return None
    return value.quantize(Decimal("0.01"))


def load_reference(client: Organization, *, name: str, year: int, text: str,
                   source_name: str = "", acting_user: Any) -> ReferenceSchedule:
    """Load (or replace, by name) one reference schedule, then reprice the contracts using it.

    Replacing deletes the schedule's old rows and writes the new ones in one transaction:
    reference rows are not versioned (see the module).
    """
    client_decides(client.pk, acting_user=acting_user)
    name = name.strip()
    if not name:
        raise ScheduleFileRefused([Problem(1, "", "Give the schedule a name, e.g. "
                                                  "\"Medicare PFS 2026, locality 01\".")])
    rates = parse(text)
    with transaction.atomic():
        schedule: ReferenceSchedule
        schedule, created = ReferenceSchedule.objects.select_for_update().get_or_create(
            client=client, name=name, defaults={"year": year})
        replaced = 0 if created else ReferenceRate.objects.filter(schedule=schedule).count()
        if not created:
            ReferenceRate.objects.filter(schedule=schedule).delete()
        bulk.insert(ReferenceRate, ("schedule", "procedure", "modifier", "non_facility",
                                    "facility"),
                    [(schedule.pk, *rate) for rate in rates])
        schedule.year, schedule.source_name, schedule.rows = year, source_name[:255], len(rates)
        schedule.loaded_at = timezone.now()
        schedule.loaded_by = person(acting_user)
        schedule.save(update_fields=["year", "source_name", "rows", "loaded_at", "loaded_by"])
        record("contracts.reference_loaded", client_id=client.pk, obj=schedule,
               acting_user=acting_user,
               detail={"name": name, "year": year, "rows": len(rates),
                       "replaced_rows": replaced, "source": source_name[:255]})
    for contract in Contract.objects.filter(client=client, reference=schedule, active=True):
        expected.recompute_open_claims(contract)
    return schedule
