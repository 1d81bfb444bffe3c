"""A schedule file is read whole or refused with every problem named; the preview says
what would change before anything does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.contracts import csvimport
from rcmdesk.contracts.csvimport import ScheduleFileRefused, parse, preview
from rcmdesk.contracts.models import ContractVersion, FeeRate
from rcmdesk.contracts.services import RateRow
from rcmdesk.contracts.tests.factories import contract
from rcmdesk.tenancy.roles import Role

GOOD = """Procedure,Modifier,Place of Service,Basis,Amount,Percent,Effective From,Action
99213,,,,"$1,200.00",,01/01/2026,
"""


def test_every_column_is_read_in_any_order_and_case() -> None:
    text = ("ACTION,effective_to,EFFECTIVE_FROM,percent,amount,basis,place_of_service,"
            "modifier,procedure\n"
            ",12/31/2026,2026-01-01,,\"$1,200.00\",,11,26,93000\n"
            ",,01/01/2026,120%,,Percent of the reference schedule,,,99214\n"
            "remove,,7/1/2026,,,,,,99215\n"
            ",,01/01/2026,,450,per_diem,,,0120\n")
    rows = parse(text)
    assert rows == [
        RateRow("93000", date(2026, 1, 1), amount=Decimal("1200.00"), modifier="26",
                place_of_service="11", effective_to=date(2026, 12, 31)),
        RateRow("99214", date(2026, 1, 1), basis="pct_reference", percent=Decimal("120")),
        RateRow("99215", date(2026, 7, 1), removed=True),
        RateRow("0120", date(2026, 1, 1), basis="per_diem", amount=Decimal("450")),
    ]


def test_a_bad_file_is_refused_whole_with_each_row_and_column_named() -> None:
    text = ("procedure,amount,effective_from,basis,percent,action\n"
            "99213,100.00,01/01/2026,,,\n"
            "99214,abc,01/01/2026,,,\n"
            "99215,100.00,13/45/2026,,,\n"
            "99211,,01/01/2026,,,\n"
            "99212,10,01/01/2026,weekly,,\n"
            "99203,,01/01/2026,pct_charge,,\n"
            "99204,10,01/01/2026,,,delete\n")
    with pytest.raises(ScheduleFileRefused) as refused:
        parse(text)
    where = [(p.row, p.column) for p in refused.value.problems]
    assert where == [(3, "amount"), (4, "effective_from"), (5, "amount"), (6, "basis"),
                     (7, "percent"), (8, "action")]
    assert "Row 3, column 'amount': 'abc' is not a number" in str(refused.value)
    assert refused.value.http_status == 400


def test_missing_and_unknown_columns_are_named_on_the_header_row() -> None:
    with pytest.raises(ScheduleFileRefused) as refused:
        parse("code,amount,fee_schedule\n99213,10,x\n")
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (1, "code"), (1, "fee_schedule"), (1, "procedure"), (1, "effective_from")]


def test_the_same_key_twice_on_one_day_is_refused() -> None:
    with pytest.raises(ScheduleFileRefused) as refused:
        parse("procedure,amount,effective_from\n99213,10,01/01/2026\n99213,11,2026-01-01\n")
    assert refused.value.problems[0].row == 3
    assert "as row 2" in refused.value.problems[0].message


def test_dates_that_run_backwards_and_negative_amounts_are_refused() -> None:
    with pytest.raises(ScheduleFileRefused) as refused:
        parse("procedure,amount,effective_from,effective_to\n99213,-5,02/01/2026,01/01/2026\n")
    assert [p.column for p in refused.value.problems] == ["amount", "effective_to"]


def test_a_header_alone_is_not_a_schedule() -> None:
    with pytest.raises(ScheduleFileRefused, match="no rate rows"):
        parse("procedure,effective_from\n\n")


def test_the_preview_compares_each_row_with_the_row_in_force_on_its_first_day(
        world: Any) -> None:
    made = contract(world.acme, {"99213": "100.00", "99214": "150.00", "99215": "200.00"})
    rows = parse("procedure,amount,effective_from,action\n"
                 "99213,110.00,07/01/2026,\n"  # changed
                 "99214,150.00,07/01/2026,\n"  # unchanged
                 "99215,,07/01/2026,remove\n"  # removed
                 "99203,90.00,07/01/2026,\n"  # added
                 "99213,99.00,12/01/2025,\n")  # before the first row: added
    diff = preview(made, rows)
    assert [(c.row.procedure, c.old.amount if c.old else None) for c in diff.changed] == [
        ("99213", Decimal("100.00"))]
    assert [c.row.procedure for c in diff.added] == ["99203", "99213"]
    assert [(c.row.procedure, c.old.amount if c.old else None) for c in diff.removed] == [
        ("99215", Decimal("200.00"))]
    assert diff.unchanged == 1
    assert diff.changes == 4
    assert FeeRate.objects.filter(contract=made).count() == 3  # nothing written


def test_applying_an_import_is_one_audited_version_naming_the_file(world: Any) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    rows = parse(GOOD)
    version = csvimport.apply(made, rows, name="fees-2026.csv", note="2026 schedule",
                              acting_user=world.user(Role.CLIENT_MANAGER))
    assert (version.number, version.source, version.author) == (
        2, "CSV import fees-2026.csv", world.user(Role.CLIENT_MANAGER))
    event = AuditEvent.objects.filter(action="contracts.version_added").latest("pk")
    assert event.detail["source"] == "CSV import fees-2026.csv"
    assert event.detail["rows"] == 1


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST,
                                  Role.PARTNER_QA, Role.CLIENT_STAFF])
def test_only_the_clients_contract_managers_may_apply_an_import(world: Any,
                                                                 role: Role) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    with pytest.raises(PermissionDenied):
        csvimport.apply(made, parse(GOOD), name="x.csv", note="try",
                        acting_user=world.user(role))
    assert ContractVersion.objects.filter(contract=made).count() == 1
