"""``rcmdesk claims import-charges``: as a named user, all or nothing, problems on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.charges.tests.test_imports import GOOD, HOSTILE, eight37
from rcmdesk.claims.models import Claim, ClaimOrigin
from rcmdesk.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["claims", "import-charges", *args])


def test_a_csv_is_imported_and_counted(world, tmp_path: Path) -> None:
    path = tmp_path / "charges.csv"
    path.write_text(GOOD)
    result = run(str(path), "--client", "acme", "--as", "acme.staff")
    assert result.exit_code == 0, result.output
    assert "2 draft(s) created, 0 updated" in result.stdout
    again = run(str(path), "--client", "acme", "--as", "acme.staff")
    assert "0 draft(s) created, 2 updated" in again.stdout
    assert Claim.objects.count() == 2


def test_an_837_is_recognised_by_its_first_bytes(world, tmp_path: Path) -> None:
    path = tmp_path / "from-client.dat"
    path.write_bytes(eight37("X1"))
    result = run(str(path), "--client", "acme", "--as", "acme.staff")
    assert result.exit_code == 0, result.output
    assert Claim.objects.get().origin == ClaimOrigin.X12


def test_problems_exit_1_and_name_their_rows(world, tmp_path: Path) -> None:
    path = tmp_path / "charges.csv"
    path.write_text(GOOD.replace("125.00", "abc"))
    result = run(str(path), "--client", "acme", "--as", "acme.staff", "--format", "csv")
    assert result.exit_code == 1
    assert "row 2: charge: " in result.output
    assert not Claim.objects.exists()


def test_a_role_that_works_no_items_is_refused_and_a_bad_format_exits_2(world,
                                                                          tmp_path: Path):
    path = tmp_path / "charges.csv"
    path.write_text(GOOD)
    assert run(str(path), "--client", "acme", "--as", "acme.admin").exit_code == 1
    assert run(str(path), "--client", "acme", "--as", "acme.staff",
               "--format", "pdf").exit_code == 2
    assert not Claim.objects.exists()


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_exits_1_naming_where_and_which_limit(world, tmp_path: Path, case):
    path = tmp_path / case.name
    path.write_bytes(case.data)
    result = run(str(path), "--client", "acme", "--as", "acme.staff")
    assert result.exit_code == 1
    assert f"{case.row}: {case.field}: " in result.output
    assert case.says in result.output
    assert not Claim.objects.exists()
