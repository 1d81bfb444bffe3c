"""Deposit reconciliation: bank deposits in, matched to the 835 payments that announced them.

Reading a file is all-or-nothing: one bad row rejects the whole file, naming the file, the
row and the column, and nothing of it is stored. The same bytes imported twice add nothing
(one DepositImport per client and sha256).

Matching, for one client, of deposits and remittances that are both still unmatched:

* the normalised trace equals the normalised TRN02 and the amounts are equal: matched
  (``MatchMethod.TRACE_AMOUNT``);
* the traces are equal but the amounts differ: *not* matched, reported as a discrepancy for
  a person (a bank fee netted out, a split deposit, a keying error);
* no trace match, but a remittance of the same amount paid within ``SUGGEST_WITHIN_DAYS``
  of the deposit (typically a paper check): a suggestion only, never matched on its own.

Trace normalisation (``trace_key``), the differences banks introduce when they print an ACH
trace or a check number: surrounding and inner whitespace is removed, letters are upper-cased
and leading zeros are dropped ("0001234 5" and "12345" are the same trace). Nothing else is
changed: punctuation such as hyphens is kept, since it is part of some payers' TRN02.

A remittance's signed amount is BPR02, negative when BPR03 is "D" (the payer debits us);
a deposit's amount is signed as the bank reported it. Remittances of zero (BPR04 NON) have no
money to find and are never listed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rcmdesk import errors, untrusted
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record, record_listing
from rcmdesk.remits.models import Deposit, DepositImport, MatchMethod, Remittance
from rcmdesk.tenancy.models import Organization

SUGGEST_WITHIN_DAYS = 5
MAX_ROWS = 50_000
MAX_AMOUNT = Decimal("9999999999.99")  # what Deposit.amount holds (12 digits, 2 places)
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "deposit date", "posting date", "post date", "posted date", "value date",
             "effective date", "transaction date"),
    "amount": ("amount", "deposit amount", "credit", "credit amount", "amount usd"),
    "trace": ("trace", "trace number", "trace no", "trace id", "reference", "reference number",
              "reference no", "ref", "ref number", "trn", "trn02", "customer reference",
              "check number", "check no"),
    "description": ("description", "memo", "details", "detail", "narrative", "text"),
}
REQUIRED = ("date", "amount")
_AMOUNT = re.compile(r"^-?\d+(\.\d{1,2})?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_BAI2_TRN = re.compile(r"TRN\*1\*([^*\\~/]+)")


class DepositFileError(errors.Invalid, ValueError):
    """A file we will not import; the message names the file, row and column."""


@dataclass(frozen=True)
class DepositRow:
    row: int
    deposit_date: date
    amount: Decimal
    trace: str = ""
    description: str = ""


@dataclass(frozen=True)
class ImportResult:
    deposit_import: DepositImport
    added: int  # 0 when the same file was imported before

    @property
    def duplicate(self) -> bool:
        return self.added == 0 and self.deposit_import.rows > 0


@dataclass
class MatchResult:
    matched: int = 0
    discrepancies: int = 0
    suggestions: int = 0
    unmatched_deposits: int = 0
    unmatched_remittances: int = 0

    def as_summary(self) -> dict[str, int]:
        return {"matched": self.matched, "discrepancies": self.discrepancies,
                "suggestions": self.suggestions, "unmatched_deposits": self.unmatched_deposits,
                "unmatched_remittances": self.unmatched_remittances}


@dataclass(frozen=True)
class AgedDeposit:
    deposit: Deposit
    age_days: int


@dataclass(frozen=True)
class AgedRemittance:
    remittance: Remittance
    amount: Decimal  # signed
    age_days: int


@dataclass(frozen=True)
class Discrepancy:
    """Same trace, different amount: a person decides."""

    deposit: Deposit
    remittance: Remittance
    difference: Decimal  # deposit minus remittance


@dataclass(frozen=True)
class Suggestion:
    """Same amount, dates close, no trace to prove it: a person confirms."""

    deposit: Deposit
    remittance: Remittance
    days_apart: int


@dataclass
class Unmatched:
    deposits: list[AgedDeposit] = field(default_factory=list)
    remittances: list[AgedRemittance] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------


def trace_key(trace: str) -> str:
    """The normalised trace (see the module docstring for what is normalised)."""
    compact = "".join(trace.split()).upper()
    return compact.lstrip("0") or ("0" if compact else "")


def parse_amount(text: str) -> Decimal:
    """ "1,234.56", "$1,234.56", "-5.00", "(5.00)" -> Decimal; never via float."""
    value = text.strip().replace(" ", "")
    negative = value.startswith("(") and value.endswith(")")
    if negative:
        value = value[1:-1]
    value = value.replace("$", "").replace(",", "")
    if not _AMOUNT.match(value):
        raise ValueError(f"{text.strip()!r} is not an amount such as 1,234.56")
    amount = Decimal(value)
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"{text.strip()!r} is more than any deposit can be ({MAX_AMOUNT:,})")
    return -amount if negative else amount


def parse_day(text: str) -> date:
    """YYYY-MM-DD or MM/DD/YYYY."""
    value = text.strip()
    try:
        if m := _ISO_DATE.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _US_DATE.match(value):
            return date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    raise ValueError(f"{value!r} is not a date in YYYY-MM-DD or MM/DD/YYYY form")


def _header_key(name: str) -> str:
    return " ".join(re.sub(r"[_\-#().$]", " ", name).lower().split())


def _columns(header: list[str], name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise DepositFileError(f"{name}: row 1 (header): no {' or '.join(missing)} column; "
                               f"found {', '.join(repr(h) for h in header) or 'nothing'}")
    return found


def read_csv(data: bytes, name: str) -> list[DepositRow]:
    """Every row of a deposit CSV, or DepositFileError for the first bad one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DepositFileError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return _csv_deposits(untrusted.csv_rows(text, untrusted.Limits.of(settings),
                                                delimiter=delimiter), name)
    except untrusted.Refused as exc:
        raise DepositFileError(f"{name}: row {exc.row}, column {exc.column!r}: "
                               f"{exc.problem}") from None


def _csv_deposits(lines: Iterator[tuple[int, list[str]]], name: str) -> list[DepositRow]:
    _, header = next(lines, (1, []))
    if not header:
        raise DepositFileError(f"{name}: the file is empty")
    columns = _columns(header, name)
    rows: list[DepositRow] = []
    for number, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        rows.append(_row(cells, number, columns, header, name))
        if len(rows) > MAX_ROWS:
            raise DepositFileError(f"{name}: more than {MAX_ROWS} rows; split the file")
    return rows


def _row(cells: list[str], number: int, columns: dict[str, int], header: list[str],
         name: str) -> DepositRow:
    def cell(column: str) -> str:
        index = columns.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def fail(column: str, problem: str) -> DepositFileError:
        label = header[columns[column]].strip() if column in columns else column
        return DepositFileError(f"{name}: row {number}, column {label!r}: {problem}")

    values: dict[str, Any] = {}
    for column, parse in (("date", parse_day), ("amount", parse_amount)):
        if not cell(column):
            raise fail(column, "empty")
        try:
            values[column] = parse(cell(column))
        except ValueError as exc:
            raise fail(column, str(exc)) from None
    if len(cell("trace")) > 80:
        raise fail("trace", "longer than 80 characters")
    return DepositRow(number, values["date"], values["amount"], cell("trace"),
                      cell("description")[:300])


def read_bai2(data: bytes, name: str) -> list[DepositRow]:
    """The credit transactions (type codes 100-399) of a BAI2 file, read with ``bai2``.

    BAI2 amounts are in cents; the deposit date is the group's as-of date; the trace is the
    TRN*1*<trace> an ACH CCD+/CTX addenda carries in the transaction text, else the customer
    reference. ``row`` is the transaction's position among the file's detail records.
    """
    from bai2 import bai2 as bai2_parser  # type: ignore[import-untyped]

    if b"\x00" in data:
        record = data[:data.index(b"\x00")].count(b"\n") + 1
        raise DepositFileError(f"{name}: {untrusted.nul_problem(f'Record {record}')}")
    try:
        parsed = bai2_parser.parse_from_string(data.decode("ascii", errors="strict"),
                                               check_integrity=True)
    except UnicodeDecodeError as exc:
        raise DepositFileError(f"{name}: not ASCII BAI2 text (byte {exc.start})") from None
    except Exception as exc:  # the library raises its own and plain exceptions
        raise DepositFileError(f"{name}: not readable BAI2: {exc}") from None
    rows: list[DepositRow] = []
    number = 0
    for group in parsed.children:
        as_of = group.header.as_of_date
        for account in group.children:
            for detail in account.children:
                number += 1
                if detail.type_code is None or detail.type_code.transaction is None:
                    continue
                if detail.type_code.transaction.value != "credit":
                    continue
                text = detail.text or ""
                match = _BAI2_TRN.search(text)
                trace = match[1].strip() if match else (detail.customer_reference or "")
                amount = Decimal(detail.amount or 0) / 100
                if abs(amount) > MAX_AMOUNT:
                    raise DepositFileError(f"{name}: transaction {number}: {amount:,} is more "
                                           f"than any deposit can be ({MAX_AMOUNT:,})")
                rows.append(DepositRow(number, as_of, amount, trace[:80], text[:300]))
    return rows


def is_bai2(data: bytes) -> bool:
    return data.lstrip()[:3] == b"01,"


# --- importing -------------------------------------------------------------------------------


def import_deposits_csv(client: Organization, data: bytes, name: str, *,
                        acting_user: Any = None) -> ImportResult:
    """Import a deposit file (CSV, or BAI2 if it starts with a 01 record), all or nothing."""
    bai2 = is_bai2(data)
    rows = read_bai2(data, name) if bai2 else read_csv(data, name)
    digest = hashlib.sha256(data).hexdigest()
    earlier = DepositImport.objects.filter(client=client, sha256=digest).first()
    if earlier is not None:
        return _duplicate(earlier, acting_user)
    user = person(acting_user)
    try:
        with transaction.atomic():
            batch = DepositImport.objects.create(
                client=client, name=name[:255], sha256=digest, rows=len(rows),
                format="bai2" if bai2 else "csv", imported_by=user)
            Deposit.objects.bulk_create(
                Deposit(client=client, deposit_import=batch, row=r.row,
                        deposit_date=r.deposit_date, amount=r.amount, trace=r.trace,
                        trace_key=trace_key(r.trace), description=r.description)
                for r in rows)
            record("remits.deposits_imported", client_id=client.pk, obj=batch,
                   acting_user=acting_user,
                   detail={"name": name, "sha256": digest, "rows": len(rows),
                           "format": batch.format,
                           "total": str(sum((r.amount for r in rows), Decimal(0)))})
    except IntegrityError:  # another process imported the same bytes first
        return _duplicate(DepositImport.objects.get(client=client, sha256=digest), acting_user)
    return ImportResult(batch, len(rows))


def _duplicate(earlier: DepositImport, actor: Any) -> ImportResult:
    record("remits.deposits_duplicate", client_id=earlier.client_id, obj=earlier, acting_user=actor,
           detail={"name": earlier.name, "imported_at": earlier.imported_at})
    return ImportResult(earlier, 0)


# --- matching --------------------------------------------------------------------------------


def signed(remittance: Remittance) -> Decimal:
    amount: Decimal = remittance.amount
    return -amount if remittance.credit_debit == "D" else amount


def open_deposits(client: Organization) -> Any:
    return Deposit.objects.filter(client=client, remittance__isnull=True).order_by(
        "deposit_date", "pk")


def open_remittances(client: Organization) -> Any:
    return (Remittance.objects.filter(client=client, deposits__isnull=True)
            .exclude(amount=0).select_related("client").order_by("payment_date", "pk"))


def _by_trace(remittances: Iterable[Remittance]) -> dict[str, list[Remittance]]:
    out: dict[str, list[Remittance]] = {}
    for remittance in remittances:
        out.setdefault(trace_key(remittance.trace_number), []).append(remittance)
    return out


def _remit_day(remittance: Remittance) -> date:
    """The payment date, else the client's day the remit arrived."""
    return remittance.payment_date or remittance.client.today(remittance.created_at)


@dataclass
class _Pairing:
    matches: list[tuple[Deposit, Remittance]] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


def _pair(deposits: list[Deposit], remittances: list[Remittance]) -> _Pairing:
    """Decide, without writing, what matches, what disagrees and what is only suggested."""
    out = _Pairing()
    by_trace = _by_trace(remittances)
    taken: set[int] = set()
    for deposit in deposits:
        same_trace = [r for r in by_trace.get(deposit.trace_key, []) if r.pk not in taken]
        if deposit.trace_key and same_trace:
            exact = next((r for r in same_trace if signed(r) == deposit.amount), None)
            if exact is not None:
                taken.add(exact.pk)
                out.matches.append((deposit, exact))
            else:
                nearest = min(same_trace, key=lambda r: abs(deposit.amount - signed(r)))
                out.discrepancies.append(
                    Discrepancy(deposit, nearest, deposit.amount - signed(nearest)))
    matched = {d.pk for d, _ in out.matches} | {d.deposit.pk for d in out.discrepancies}
    for deposit in deposits:
        if deposit.pk in matched:
            continue
        candidates = [
            r for r in remittances
            if r.pk not in taken and signed(r) == deposit.amount
            and abs((deposit.deposit_date - _remit_day(r)).days) <= SUGGEST_WITHIN_DAYS]
        if candidates:
            best = min(candidates, key=lambda r: abs((deposit.deposit_date - _remit_day(r)).days))
            out.suggestions.append(Suggestion(
                deposit, best, abs((deposit.deposit_date - _remit_day(best)).days)))
    return out


def match_deposits(client: Organization, *, acting_user: Any = None) -> MatchResult:
    """Match every unmatched deposit whose trace and amount agree with an unmatched 835."""
    now = timezone.now()
    with transaction.atomic():
        deposits = list(open_deposits(client).select_for_update())
        remittances = list(open_remittances(client))
        pairing = _pair(deposits, remittances)
        for deposit, remittance in pairing.matches:
            deposit.remittance = remittance
            deposit.match_method = MatchMethod.TRACE_AMOUNT
            deposit.matched_at = now
            deposit.save(update_fields=["remittance", "match_method", "matched_at"])
        result = MatchResult(
            matched=len(pairing.matches), discrepancies=len(pairing.discrepancies),
            suggestions=len(pairing.suggestions),
            unmatched_deposits=len(deposits) - len(pairing.matches),
            unmatched_remittances=len(remittances) - len(pairing.matches))
        record("remits.deposits_matched", client_id=client.pk, acting_user=acting_user,
               object_type="remits.deposit",
               detail={**result.as_summary(),
                       "pairs": [[d.pk, r.pk] for d, r in pairing.matches]})
    return result


def audit_reconciliation(client: Organization, report: Unmatched, *, view: str) -> None:
    """The open deposits and 835 payments were shown (page, API or command): one list event
    for the client, naming both, even when nothing is open. The discrepancies and
    suggestions pair the same deposits and payments."""
    record_listing({client.pk: [a.deposit.pk for a in report.deposits]}, "remits.deposit",
                   key="deposits", detail={
                       "view": view, "remittances": [a.remittance.pk for a in report.remittances]})


def unmatched(client: Organization, today: date) -> Unmatched:
    """What is still open on both sides, oldest first, with ages in days on ``today``."""
    deposits = list(open_deposits(client).select_related("deposit_import"))
    remittances = list(open_remittances(client))
    pairing = _pair(deposits, remittances)
    return Unmatched(
        deposits=[AgedDeposit(d, (today - d.deposit_date).days) for d in deposits],
        remittances=[AgedRemittance(r, signed(r), (today - _remit_day(r)).days)
                     for r in remittances],
        discrepancies=pairing.discrepancies,
        suggestions=pairing.suggestions,
    )

