"""The ledger is append-only and its invariants are checkable from the command line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.remits import ledger
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, CodeDescription, JournalEntry, LedgerEntry
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tests.hostile import LONG_CELL, NUL

runner = CliRunner()


def test_a_ledger_row_cannot_be_updated_or_deleted(world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    entry = LedgerEntry.objects.first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.journal_id).update(memo="edited")


def test_an_unbalanced_journal_is_refused_before_it_is_written(world: World) -> None:
    with pytest.raises(ledger.UnbalancedJournal):
        ledger.post(world.acme, "payment", [ledger.Line(Account.PAYER_CASH, Decimal("5"))])


def test_ledger_check_exits_0_on_a_balanced_ledger(world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    result = runner.invoke(app, ["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert "balanced" in result.output


def test_ledger_check_exits_1_naming_the_first_unbalanced_entry(world: World) -> None:
    journal = JournalEntry.objects.create(client=world.acme, kind="payment")
    LedgerEntry.objects.create(journal=journal, client=world.acme, account=Account.PAYER_CASH,
                               amount=Decimal("7.00"))
    assert [p.object_id for p in check_ledger()] == [journal.pk]
    result = runner.invoke(app, ["ledger", "check"])
    assert result.exit_code == 1
    assert f"journal entry #{journal.pk}" in result.output


def test_a_client_loads_its_own_carc_descriptions(world: World, tmp_path: Path) -> None:
    path = tmp_path / "carc.tsv"
    path.write_text("code\ttext\n45\tthe client's licensed text\n")
    result = runner.invoke(app, ["codes", "import-descriptions", str(path), "--list", "carc",
                                 "--client", "acme"])
    assert result.exit_code == 0, result.output
    assert CodeDescription.objects.get(client=world.acme, code="45").list == "carc"


@pytest.mark.parametrize(("line", "says"), [
    (f"45\t{LONG_CELL}", "Row 3, column 'column 2': This cell holds 131,073 characters"),
    (f"45\tx{NUL}y", "Row 3, column 'column 2': This cell holds a NUL character"),
    ("CARC-FORTY-FIVE\ttext", "Row 3, column 'column 1': 'CARC-FORTY-FIVE' is longer than a "
                              "code (8 characters)."),
], ids=["a cell over the csv module's own limit", "a NUL byte", "a code too long to be one"])
def test_hostile_descriptions_are_refused_by_row_and_column_and_none_load(
        world: World, tmp_path: Path, line: str, says: str) -> None:
    path = tmp_path / "carc.tsv"
    path.write_text(f"code\ttext\n50\tfine\n{line}\n")
    result = runner.invoke(app, ["codes", "import-descriptions", str(path), "--list", "carc",
                                 "--client", "acme"])
    assert result.exit_code == 2
    assert says in " ".join(result.output.split())
    assert not CodeDescription.objects.exists()


def test_our_categories_ship_no_x12_description_texts() -> None:
    from rcmdesk.remits import carc_categories

    source = Path(carc_categories.__file__).read_text()
    assert "Charge exceeds" not in source
    assert carc_categories.category("45") == "contractual"
    assert carc_categories.is_denial("CO", "50")
    assert not carc_categories.is_denial("PR", "1")
