"""``rcmdesk contracts import`` shows the diff and applies only with --yes;
``load-reference`` loads the CMS export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.contracts.models import ContractVersion, ReferenceSchedule
from rcmdesk.contracts.tests.factories import contract

runner = CliRunner()


def test_an_import_prints_the_diff_and_waits_for_yes(world: Any, tmp_path: Path) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    file = tmp_path / "fees.csv"
    file.write_text("procedure,amount,effective_from\n99213,110.00,07/01/2026\n"
                    "99203,90,07/01/2026\n")
    args = ["contracts", "import", str(file), "--client", "acme", "--contract", str(made.pk),
            "--note", "mid-year"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "1 added, 1 changed, 0 removed, 0 unchanged" in shown.output
    assert "Not applied" in shown.output
    assert ContractVersion.objects.filter(contract=made).count() == 1
    done = runner.invoke(app, [*args, "--yes", "--as", "acme.manager"])
    assert done.exit_code == 0, done.output
    version = ContractVersion.objects.get(contract=made, number=2)
    assert (version.source, version.author.username) == ("CSV import fees.csv", "acme.manager")


def test_a_bad_file_is_refused_with_its_problems_and_a_partner_may_not(
        world: Any, tmp_path: Path) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    bad = tmp_path / "bad.csv"
    bad.write_text("procedure,amount,effective_from\n99213,abc,07/01/2026\n")
    base = ["contracts", "import", "--client", "acme", "--contract", str(made.pk),
            "--note", "x", "--yes"]
    refused = runner.invoke(app, [*base, str(bad)])
    assert refused.exit_code == 1
    assert "Row 2, column 'amount'" in refused.output
    good = tmp_path / "good.csv"
    good.write_text("procedure,amount,effective_from\n99213,120,07/01/2026\n")
    partner = runner.invoke(app, [*base, str(good), "--as", "pillar.lead"])
    assert partner.exit_code == 1
    assert ContractVersion.objects.filter(contract=made).count() == 1


def test_load_reference_loads_the_cms_export(world: Any, tmp_path: Path) -> None:
    file = tmp_path / "pfs.csv"
    file.write_text("HCPCS,MOD,NON-FACILITY PRICE,FACILITY PRICE\n99213,,$92.03,$65.11\n")
    done = runner.invoke(app, ["contracts", "load-reference", str(file), "--client", "acme",
                               "--name", "Medicare PFS 2026", "--year", "2026"])
    assert done.exit_code == 0, done.output
    assert ReferenceSchedule.objects.get(client=world.acme).rows == 1
