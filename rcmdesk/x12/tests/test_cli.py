"""The CLI prints summaries, findings and trees, and fails cleanly on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rcmdesk.x12.cli import app
from rcmdesk.x12.tests.samples import need_samples
from rcmdesk.x12.tests.test_reader import SAMPLE

runner = CliRunner()


def test_inspect_json_prints_exactly_one_object(tmp_path):
    path = tmp_path / "remit.835"
    path.write_text(SAMPLE)
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["file"] == str(path)
    (tx,) = data["transactions"]
    assert tx == {
        "set": "835",
        "version": "005010X221A1",
        "isa_control": "000000001",
        "gs_control": "1",
        "st_control": "0001",
        "sender": "SENDER",
        "receiver": "RECEIVER",
        "claim_count": 1,
        "total_charge": "150.00",
        "total_paid": "100.00",
        "payment_amount": "100.00",
        "guide": "005010X221A1",
        "problem": None,
    }


def test_inspect_json_leaves_non_applicable_money_null():
    path = need_samples() / "imsweb-x12-parser/x12_277CA_accepted.txt"
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    (tx,) = json.loads(result.stdout)["transactions"]
    assert tx["claim_count"] == 1
    assert tx["total_charge"] is None
    assert tx["payment_amount"] is None


def test_inspect_prints_a_line_per_transaction():
    path = need_samples() / "imsweb-x12-parser/x12_multiple_isa.txt"
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0
    assert result.stdout.count("837 005010X222A1") == 2


def test_validate_prints_located_findings_and_exits_1(tmp_path):
    path = tmp_path / "bad.835"
    path.write_text(SAMPLE.replace("SE*14*", "SE*15*"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:16:SE:1: error: ")


def test_validate_exits_0_on_a_clean_file(tmp_path):
    path = tmp_path / "good.835"
    path.write_text(SAMPLE)
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_unreadable_input_gives_one_clear_line_and_nonzero_exit(tmp_path):
    for content in ("", "not x12 at all", SAMPLE[:150]):
        path = tmp_path / "broken.x12"
        path.write_text(content)
        for command in (["inspect", str(path)], ["to-json", str(path)]):
            result = runner.invoke(app, command)
            assert result.exit_code == 2
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1
            assert str(path) in lines[0]
    missing = runner.invoke(app, ["inspect", str(tmp_path / "missing.x12")])
    assert missing.exit_code == 2


def test_to_json_prints_the_loop_tree(tmp_path):
    path = tmp_path / "remit.835"
    path.write_text(SAMPLE)
    result = runner.invoke(app, ["to-json", str(path)])
    tree = json.loads(result.stdout)["transactions"][0]["tree"]
    loops = [i["loop"] for i in tree["items"] if "loop" in i]
    assert loops == ["1000A", "1000B", "2000"]


def test_ack_prints_a_999_that_parses_back(tmp_path):
    from rcmdesk.x12 import t999

    path = tmp_path / "remit.835"
    path.write_text(SAMPLE)
    result = runner.invoke(app, ["ack", str(path)])
    assert result.exit_code == 0
    (ack,) = t999.acknowledgments(result.stdout.encode())
    assert ack.group_status == "A"
    assert ack.sets[0].set_id == "835"


def test_inspect_totals_nothing_for_an_835_whose_gs08_names_no_guide_and_says_why(tmp_path):
    path = tmp_path / "old.835"
    path.write_text(SAMPLE.replace("005010X221A1", "004010X091A1"))
    (tx,) = json.loads(runner.invoke(app, ["inspect", str(path), "--json"]).stdout)["transactions"]
    assert (tx["claim_count"], tx["total_paid"], tx["payment_amount"], tx["guide"]) == (
        None, None, None, None)
    assert "004010X091A1" in tx["problem"]
