"""One decision on which guide a set follows: validate, inspect and the typed views agree.

A file whose GS08 names no guide we know (``5010``) used to pass ``validate`` with a
warning while ``inspect`` counted its claims from a flat tree and the typed 835 view
posting reads found none: three answers about one file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.x12 import X12EnvelopeError, X12Error, t835, t837
from rcmdesk.x12.ack import acknowledge
from rcmdesk.x12.cli import app
from rcmdesk.x12.schemas import choose
from rcmdesk.x12.summary import summaries
from rcmdesk.x12.tests.samples import ids, manifest, need_samples, no_envelope
from rcmdesk.x12.tests.test_reader import SAMPLE
from rcmdesk.x12.validate import validate
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_835

runner = CliRunner()
CLAIMS = 10


def ten_claim_835(version: str) -> bytes:
    """SAMPLE's claim ten times over, balanced, with ``version`` in GS08."""
    (remit,) = t835.remittances(SAMPLE.encode())
    claim = remit.claims[0]
    claims = tuple(replace(claim, patient_control_number=f"PCN{n}") for n in range(CLAIMS))
    payment = replace(remit.payment, amount=claim.paid * CLAIMS)
    data = write_interchange([build_835(replace(remit, payment=payment, claims=claims))],
                             Envelope())
    return data.replace(b"*005010X221A1~", f"*{version}~".encode())


@pytest.fixture
def unknown_guide(tmp_path: Path) -> Path:
    path = tmp_path / "gs08-5010.835"
    path.write_bytes(ten_claim_835("5010"))
    return path


def test_the_same_file_with_its_proper_gs08_is_clean_and_has_ten_claims(tmp_path):
    path = tmp_path / "ok.835"
    path.write_bytes(ten_claim_835("005010X221A1"))
    assert [f for f in validate(path) if f.severity == "error"] == []
    (summary,) = summaries(path)
    assert summary.claim_count == len(list(t835.iter_claims(path))) == CLAIMS


def test_validate_fails_a_file_whose_gs08_names_no_guide(unknown_guide):
    result = runner.invoke(app, ["validate", str(unknown_guide)])
    assert result.exit_code == 1
    (finding,) = [f for f in validate(unknown_guide) if f.severity == "error"]
    assert (finding.rule, finding.segment_id, finding.element) == ("snip2.unknown-guide", "GS", 8)
    assert "'5010'" in finding.message


def test_its_999_says_the_set_is_not_supported(unknown_guide):
    (ack,) = acknowledge(unknown_guide)
    (response,) = ack.sets
    assert (response.status, response.codes, response.errors) == ("R", ("1",), ())


def test_inspect_counts_no_claims_in_it_and_says_why(unknown_guide):
    result = runner.invoke(app, ["inspect", str(unknown_guide), "--json"])
    (tx,) = json.loads(result.stdout)["transactions"]
    assert tx["claim_count"] is None
    assert tx["payment_amount"] is None
    assert tx["guide"] is None
    assert "'5010'" in tx["problem"]
    assert "guide=none" in runner.invoke(app, ["inspect", str(unknown_guide)]).stdout


@pytest.mark.parametrize("read", [
    lambda path: list(t835.remittances(path)),
    lambda path: list(t835.iter_claims(path)),
], ids=["remittances", "iter_claims"])
def test_the_typed_835_view_refuses_it_rather_than_finding_no_claims(unknown_guide, read):
    with pytest.raises(X12EnvelopeError, match="'5010'") as raised:
        read(unknown_guide)
    assert (raised.value.segment_id, raised.value.element) == ("GS", 8)


def test_the_typed_837_view_refuses_an_837_without_a_known_guide():
    with pytest.raises(X12EnvelopeError):
        list(t837.iter_claims(SAMPLE.replace("HP", "HC").replace("ST*835", "ST*837")
                              .replace("005010X221A1", "005010").encode()))


def test_sets_we_have_no_guide_for_at_all_are_only_a_warning():
    assert choose("834", "005010X220A1").problem == ""
    assert choose("835", "004010X091A1").problem
    assert choose("837", "005010X223A2").guide is not None


CLAIM_SETS = [r for r in manifest()
              if r["transaction_set"] in ("835", "837P", "837I") and not no_envelope(r)]


def typed_claims(path: Path, set_id: str) -> list[int]:
    if set_id == "835":
        return [len(r.claims) for r in t835.remittances(path)]
    return [len(s.claims) for s in t837.submissions(path)]


@pytest.mark.parametrize("row", CLAIM_SETS, ids=ids(CLAIM_SETS))
def test_on_every_shared_835_and_837_inspect_and_the_typed_view_count_the_same_claims(row):
    path = need_samples() / row["local_path"]
    set_id = row["transaction_set"][:3]
    try:
        counted = [s.claim_count for s in summaries(path) if s.set_id == set_id]
        typed = typed_claims(path, set_id)
    except X12Error:
        return  # unreadable: validate, inspect and the views all refuse it alike
    assert counted == typed
