"""``rcmdesk appeals``: list, file and answer as a named user, with the pages' checks."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.denials.models import AppealStatus
from rcmdesk.denials.tests.appeal_steps import filed

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_list_shows_each_appeal_with_its_state_in_words(world: World) -> None:
    _, appeal, _ = filed(world)
    result = runner.invoke(app, ["appeals", "list", "--client", "acme", "--as",
                                 "pillar.specialist"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{appeal.pk}\tPCN-7781\tL1\tFiled, waiting on the payer\t{appeal.deadline}\t150.00")
    assert result.stdout.splitlines()[-1] == "1 appeal(s)"


def test_the_payers_answer_is_recorded_and_a_bad_one_refused_in_words(world: World) -> None:
    _, appeal, _ = filed(world)
    refused = runner.invoke(app, ["appeals", "answer", str(appeal.pk), "--as",
                                  "pillar.specialist", "--outcome", "upheld", "--on",
                                  "2026-04-02", "--expected", "20.00"])
    assert refused.exit_code == 1
    assert "leave the expected amount empty" in refused.output
    done = runner.invoke(app, ["appeals", "answer", str(appeal.pk), "--as",
                               "pillar.specialist", "--outcome", "overturned", "--on",
                               "2026-04-02"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"appeal {appeal.pk}: Overturned, waiting for payment"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WON


def test_qa_may_not_file_and_another_client_sees_no_appeal(world: World) -> None:
    _, appeal, _ = filed(world)
    qa = runner.invoke(app, ["appeals", "answer", str(appeal.pk), "--as", "pillar.qa",
                             "--outcome", "upheld", "--on", "2026-04-02"])
    assert qa.exit_code == 1
    assert "may not record the payer's answer" in qa.output
    birch = runner.invoke(app, ["appeals", "file", str(appeal.pk), "--as", "birch.admin",
                                "--on", "2026-03-12", "--channel", "fax"])
    assert birch.exit_code == 1
    assert f"does not see appeal {appeal.pk}" in birch.output
