"""Every published sample 835 posts, balanced, against claims built from its own CLP/SVC."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import PostingException
from rcmdesk.remits.services import post_835
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.x12 import t835

# As read, SVC*HC*24599.00*1766.50*187.50 has lost its procedure code's separator, so the
# line does not balance: holding it for a person is the right outcome.
HELD_AS_PUBLISHED = {"LinuxForHealth-x12/tertiary-payment.835"}
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "x12-samples"


def sample_835s() -> list[str]:
    manifest = SAMPLES / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [r["local_path"] for r in rows
            if r["transaction_set"] == "835" and not r["valid_or_broken"].startswith("broken")]


def mirror_claims(world: World, data: bytes) -> None:
    for remit in t835.remittances(data):
        payer_id = (remit.payer.id if remit.payer and remit.payer.id else "") or \
            remit.trace_originator
        for clp in remit.claims:
            if clp.status == "22" or Claim.objects.filter(
                    client=world.acme, patient_control_number=clp.patient_control_number).exists():
                continue
            lines = [(ln.procedure[1] if len(ln.procedure) > 1 else "", str(ln.charge))
                     for ln in clp.lines] or [("", str(clp.charge))]
            claim = make_claim(world.acme, clp.patient_control_number, lines,
                               payer_id=payer_id or "UNKNOWN")
            assert claim.total_charge == clp.charge or clp.lines


@pytest.mark.parametrize("local_path", sample_835s())
def test_a_published_sample_835_posts_with_the_ledger_balanced(
        world: World, local_path: str) -> None:
    data = (SAMPLES / local_path).read_bytes()
    mirror_claims(world, data)
    # Straight to the poster: intake's validator rightly quarantines several of these
    # published files (missing BPR16, bad NPIs); posting is what this test is about.
    for remit in t835.remittances(data, name=local_path):
        result = post_835(world.acme, remit)
        assert result.held == (local_path in HELD_AS_PUBLISHED), result.reason
        pcns = [c.patient_control_number for c in remit.claims]
        for exception in PostingException.objects.filter(remittance__pk=result.remittance_id or 0):
            assert exception.remit_claim is not None
            assert exception.reason != "unknown_carc", exception  # every shipped CARC is ours
            assert pcns.count(exception.remit_claim.patient_control_number) > 1, exception
    assert check_ledger() == []
