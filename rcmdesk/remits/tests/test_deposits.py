"""Deposit reconciliation: bank files in, matched to the 835 payments by trace and amount."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.deposits import (
    DepositFileError,
    import_deposits_csv,
    match_deposits,
    read_bai2,
    read_csv,
    trace_key,
    unmatched,
)
from rcmdesk.remits.models import Deposit, DepositImport, MatchMethod, Remittance
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.models import Organization
from rcmdesk.tests.hostile import LONG_CELL, LONG_CELL_SAYS, NUL, NUL_SAYS, Hostile

D = Decimal
PAID_ON = date(2025, 1, 2)  # DTM/BPR16 date of every 835 that x12text.header writes


def paid_remit(client: Organization, pcn: str, amount: str, trace: str, isa13: str,
               check: bool = False) -> Remittance:
    """Post a one-claim 835 paying ``amount`` under TRN02 ``trace``; return its Remittance."""
    make_claim(client, pcn, [("99213", amount)])
    body = header(amount, trace=trace) + f"CLP*{pcn}*1*{amount}*{amount}**12*C{pcn}~" \
        f"SVC*HC:99213*{amount}*{amount}**1~"
    if check:
        body = body.replace("*ACH*CCP*", "*CHK**", 1)
    assert ingest(client, remit(body, isa13=isa13), f"{pcn}.835").outcome == FileStatus.APPLIED
    return Remittance.objects.get(client=client, trace_number=trace)


def csv_bytes(*rows: str, head: str = "Date,Amount,Trace,Description") -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode()


def test_a_plain_csv_reads_dates_amounts_and_traces_as_decimals() -> None:
    rows = read_csv(csv_bytes("2025-01-03,\"1,234.56\",TRACE1,ACME PAYER HCCLAIMPMT",
                              "01/06/2025,$80.00,,CHECK DEPOSIT",
                              "1/7/2025,(12.50),TRACE9,RETURN"), "bank.csv")
    assert [(r.row, r.deposit_date, r.amount, r.trace) for r in rows] == [
        (2, date(2025, 1, 3), D("1234.56"), "TRACE1"),
        (3, date(2025, 1, 6), D("80.00"), ""),
        (4, date(2025, 1, 7), D("-12.50"), "TRACE9")]
    assert all(isinstance(r.amount, Decimal) for r in rows)


@pytest.mark.parametrize("head", ["DATE,AMOUNT,REFERENCE,MEMO", "Deposit Date,Amount,Ref,Memo",
                                  "deposit_date,amount,trace_number,description",
                                  "Date\tAmount\tReference\tDetails"])
def test_header_names_are_recognised_whatever_their_case_and_spelling(head: str) -> None:
    sep = "\t" if "\t" in head else ","
    rows = read_csv(csv_bytes(sep.join(["2025-01-03", "10.00", "T1", "x"]), head=head), "b.csv")
    assert (rows[0].amount, rows[0].trace) == (D("10.00"), "T1")


def test_a_byte_order_mark_and_blank_lines_are_tolerated() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes("2025-01-03,10.00,T1,x", "", ",,,")
    assert len(read_csv(data, "b.csv")) == 1


@pytest.mark.parametrize(("row", "column", "problem"), [
    ("2025-02-30,10.00,T2,x", "Date", "not a real date"),
    ("03.01.2025,10.00,T2,x", "Date", "YYYY-MM-DD or MM/DD/YYYY"),
    ("2025-01-03,ten,T2,x", "Amount", "not an amount"),
    ("2025-01-03,10.005,T2,x", "Amount", "not an amount"),
    ("2025-01-03,,T2,x", "Amount", "empty"),
])
def test_a_bad_row_names_the_file_row_and_column(row: str, column: str, problem: str) -> None:
    with pytest.raises(DepositFileError) as caught:
        read_csv(csv_bytes("2025-01-03,10.00,T1,x", row), "bank.csv")
    message = str(caught.value)
    assert message.startswith(f"bank.csv: row 3, column '{column}': ")
    assert problem in message


def test_a_file_without_an_amount_column_is_refused_at_its_header() -> None:
    with pytest.raises(DepositFileError, match=r"bank.csv: row 1 \(header\): no amount column"):
        read_csv(csv_bytes("2025-01-03,T1", head="Date,Trace"), "bank.csv")


def test_traces_are_normalised_for_spaces_case_and_leading_zeros() -> None:
    assert trace_key(" 000123 45 ") == "12345"
    assert trace_key("abc-1") == "ABC-1"
    assert trace_key("000") == "0"
    assert trace_key("") == ""


def test_a_bad_row_rejects_the_whole_file(world: World) -> None:
    data = csv_bytes("2025-01-03,10.00,T1,x", "2025-01-04,10.00,T2,x", "2025-01-05,oops,T3,x")
    with pytest.raises(DepositFileError, match="row 4, column 'Amount'"):
        import_deposits_csv(world.acme, data, "bank.csv")
    assert not Deposit.objects.exists()
    assert not DepositImport.objects.exists()


def test_importing_the_same_file_again_adds_nothing(world: World) -> None:
    data = csv_bytes("2025-01-03,10.00,T1,x", "2025-01-04,20.00,T2,y")
    first = import_deposits_csv(world.acme, data, "bank.csv")
    again = import_deposits_csv(world.acme, data, "bank-copy.csv")
    assert (first.added, again.added, again.duplicate) == (2, 0, True)
    assert again.deposit_import.pk == first.deposit_import.pk
    assert Deposit.objects.count() == 2
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "remits.deposits_imported" in actions
    assert "remits.deposits_duplicate" in actions


def test_the_same_file_for_another_client_is_its_own_import(world: World) -> None:
    data = csv_bytes("2025-01-03,10.00,T1,x")
    import_deposits_csv(world.acme, data, "bank.csv")
    assert import_deposits_csv(world.birch, data, "bank.csv").added == 1


def test_a_deposit_with_the_remits_trace_and_amount_is_matched(world: World) -> None:
    remittance = paid_remit(world.acme, "PCN1", "100.00", "1234567", "000000301")
    import_deposits_csv(world.acme, csv_bytes("2025-01-03,100.00,000 1234567,ACH"), "b.csv")
    result = match_deposits(world.acme)
    assert (result.matched, result.unmatched_deposits, result.unmatched_remittances) == (1, 0, 0)
    deposit = Deposit.objects.get()
    assert (deposit.remittance, deposit.match_method) == (remittance, MatchMethod.TRACE_AMOUNT)
    assert deposit.matched_at is not None
    event = AuditEvent.objects.filter(action="remits.deposits_matched").get()
    assert event.detail["pairs"] == [[deposit.pk, remittance.pk]]
    assert match_deposits(world.acme).matched == 0  # nothing left to match


def test_the_same_trace_with_a_different_amount_is_a_discrepancy_not_a_match(
    world: World,
) -> None:
    remittance = paid_remit(world.acme, "PCN2", "100.00", "555", "000000302")
    import_deposits_csv(world.acme, csv_bytes("2025-01-03,98.50,555,ACH less fee"), "b.csv")
    result = match_deposits(world.acme)
    assert (result.matched, result.discrepancies) == (0, 1)
    assert Deposit.objects.get().remittance is None
    report = unmatched(world.acme, date(2025, 1, 10))
    [discrepancy] = report.discrepancies
    assert (discrepancy.remittance, discrepancy.difference) == (remittance, D("-1.50"))


def test_a_check_of_the_same_amount_a_few_days_later_is_only_suggested(world: World) -> None:
    remittance = paid_remit(world.acme, "PCN3", "75.00", "CHK0042", "000000303", check=True)
    later = (PAID_ON + timedelta(days=3)).isoformat()
    import_deposits_csv(world.acme, csv_bytes(f"{later},75.00,,MOBILE DEPOSIT"), "b.csv")
    result = match_deposits(world.acme)
    assert (result.matched, result.suggestions) == (0, 1)
    [suggestion] = unmatched(world.acme, PAID_ON + timedelta(days=5)).suggestions
    assert (suggestion.remittance, suggestion.days_apart) == (remittance, 3)


def test_a_remittance_is_matched_to_one_deposit_only(world: World) -> None:
    paid_remit(world.acme, "PCN4", "40.00", "777", "000000304")
    import_deposits_csv(world.acme, csv_bytes("2025-01-03,40.00,777,a", "2025-01-04,40.00,777,b"),
                        "b.csv")
    assert match_deposits(world.acme).matched == 1
    assert Deposit.objects.filter(remittance__isnull=True).count() == 1


def test_unmatched_lists_both_sides_with_their_ages(world: World) -> None:
    remittance = paid_remit(world.acme, "PCN5", "60.00", "888", "000000305")
    import_deposits_csv(world.acme, csv_bytes("2025-01-05,25.00,999,stray"), "b.csv")
    match_deposits(world.acme)
    report = unmatched(world.acme, date(2025, 1, 12))
    assert [(a.deposit.amount, a.age_days) for a in report.deposits] == [(D("25.00"), 7)]
    assert [(a.remittance, a.amount, a.age_days) for a in report.remittances] == [
        (remittance, D("60.00"), 10)]
    assert unmatched(world.birch, date(2025, 1, 12)).deposits == []


BAI2 = """01,BANKID,RCMDESK,250103,0800,1,,,2/
02,RCMDESK,BANKID,1,250103,,USD,2/
03,000123456,USD,,,,/
16,165,10000,0,BREF1,CREF9,ACH CREDIT/
88,TRN*1*4242*1512345678\\
16,475,500,0,BREF2,,CHECK PAID/
49,10500,5/
98,10500,1,7/
99,10500,1,9/
"""


def test_a_bai2_file_yields_its_credits_with_the_ach_trace(world: World) -> None:
    rows = read_bai2(BAI2.encode(), "bank.bai")
    assert [(r.deposit_date, r.amount, r.trace) for r in rows] == [
        (date(2025, 1, 3), D("100.00"), "4242")]
    result = import_deposits_csv(world.acme, BAI2.encode(), "bank.bai")
    assert (result.added, result.deposit_import.format) == (1, "bai2")


def test_the_cli_imports_matches_and_lists_what_is_open(world: World, tmp_path: Path) -> None:
    paid_remit(world.acme, "PCN6", "100.00", "321", "000000306")
    paid_remit(world.acme, "PCN7", "50.00", "654", "000000307")
    runner = CliRunner()
    bank, bad = tmp_path / "bank.csv", tmp_path / "bad.csv"
    bank.write_bytes(csv_bytes("2025-01-03,100.00,321,ACH", "2025-01-04,9.99,,fee refund"))
    out = runner.invoke(app, ["deposits", "import", str(bank), "--client", "acme"])
    assert out.exit_code == 0, out.output
    assert "2 rows imported, 1 matched, 1 deposit(s) and 1 remittance(s) unmatched" in out.output
    again = runner.invoke(app, ["deposits", "import", str(bank), "--client", "acme"])
    assert "already imported" in again.output
    bad.write_bytes(csv_bytes("2025-01-03,abc,321,ACH"))
    refused = runner.invoke(app, ["deposits", "import", str(bad), "--client", "acme"])
    assert refused.exit_code == 1
    assert "bad.csv: row 2, column 'Amount'" in refused.stderr
    listing = runner.invoke(app, ["deposits", "unmatched", "--client", "acme"])
    assert listing.exit_code == 0, listing.output
    assert "9.99" in listing.output
    assert "654" in listing.output


# --- hostile files (issue 15): refused by name, nothing written --------------------------

HUGE_AMOUNT = "9" * 40
BAI2_HUGE = BAI2.replace("16,165,10000", f"16,165,{HUGE_AMOUNT}").replace(
    "10500", str(int(HUGE_AMOUNT) + 500))
HOSTILE = {
    "a cell over the csv module's own limit": Hostile(
        "bank.csv", csv_bytes(f"2025-01-05,1.00,A,{LONG_CELL}"), 2, "Description",
        LONG_CELL_SAYS),
    "a NUL byte in a cell": Hostile(
        "bank.csv", csv_bytes("2025-01-05,1.00,A,a", f"2025-01-05,2.00,B{NUL}C,b"), 3, "Trace",
        f"This cell {NUL_SAYS}"),
    "an amount of forty digits": Hostile(
        "bank.csv", csv_bytes(f"2025-01-05,{HUGE_AMOUNT},A,a"), 2, "Amount",
        "is more than any deposit can be (9,999,999,999.99)"),
    "a NUL byte in a BAI2 record": Hostile(
        "bank.bai", BAI2.replace("ACH CREDIT", f"ACH{NUL}CREDIT").encode(), "Record 4", "",
        f"Record 4 {NUL_SAYS}"),
    "a BAI2 amount of forty digits": Hostile(
        "bank.bai", BAI2_HUGE.encode(), "transaction 1", "",
        "is more than any deposit can be (9,999,999,999.99)"),
}


def hostile_message(case: Hostile) -> str:
    """How the refusal of ``case`` begins: the file, then where."""
    if isinstance(case.row, int):
        return f"{case.name}: row {case.row}, column {case.field!r}: "
    return f"{case.name}: {case.row}"


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_by_where_and_which_limit_and_nothing_is_written(
        world: World, case: Hostile) -> None:
    with pytest.raises(DepositFileError) as refused:
        import_deposits_csv(world.acme, case.data, case.name)
    assert str(refused.value).startswith(hostile_message(case))
    assert case.says in str(refused.value)
    assert not DepositImport.objects.exists()


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_cli_refuses_a_hostile_file_naming_where_and_which_limit(
        world: World, tmp_path: Path, case: Hostile) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    refused = CliRunner().invoke(app, ["deposits", "import", str(path), "--client", "acme"])
    assert refused.exit_code == 1
    assert hostile_message(case) in refused.stderr
    assert case.says in refused.stderr
    assert not DepositImport.objects.exists()
