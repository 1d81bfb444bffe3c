"""Contract mode's promises: the same claims, every line paid its contract amount except the
seeded ones, takebacks that name their claim, balanced 835s and a truth that matches them.

No database. One module-scoped contract-mode run serves most tests.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rcmdesk.synth import build_world, generate
from rcmdesk.synth.contracts import RAISED, PayerContract, read_csv, schedules
from rcmdesk.x12 import t835, t837
from rcmdesk.x12.values import DateRef

CLAIMS = 2400
SEED = 13


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("contracts")
    manifest = generate(out, seed=SEED, claims=CLAIMS, contracts=True)
    return out, manifest


def _remits(out: Path) -> list[tuple[str, t835.Remittance]]:
    return [(path.stem, r) for path in sorted((out / "835").glob("*.x12"))
            for r in t835.remittances(path)]


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _billed(out: Path) -> dict[str, t837.Claim]:
    return {c.patient_control_number: c for path in sorted((out / "837").glob("*.x12"))
            for c in t837.iter_claims(path)}


def _contracts(out: Path) -> dict[str, PayerContract]:
    by_id = {p.payer_id: p for p in build_world(SEED, patients=1).payers}
    by_code = {p.code: p for p in by_id.values()}
    return {path.stem: PayerContract(by_code[path.stem], tuple(read_csv(path)))
            for path in sorted((out / "contracts").glob("*.csv"))}


def _day(dates: tuple[DateRef, ...]) -> date:
    text = next(d.value for d in dates if d.qualifier == "472")
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def test_contract_mode_bills_the_same_claims_as_a_plain_run(tmp_path, run):
    generate(tmp_path / "plain", seed=SEED, claims=CLAIMS)
    for kind in ("837", "999", "277ca"):
        plain = {p.name: p.read_bytes() for p in (tmp_path / "plain" / kind).glob("*.x12")}
        mine = {p.name: p.read_bytes() for p in (run[0] / kind).glob("*.x12")}
        assert plain == mine, kind
    assert not (tmp_path / "plain" / "truth").exists()
    assert "contracts" not in json.loads((tmp_path / "plain" / "manifest.json").read_text())


def test_every_contract_mode_remittance_balances_and_never_goes_negative(run):
    for _name, remit in _remits(run[0]):
        for claim in remit.claims:
            for line in claim.lines:
                assert line.charge - sum((a.amount for a in line.adjustments),
                                         Decimal(0)) == line.paid
        plb = sum((a.amount for a in remit.provider_adjustments), Decimal(0))
        assert remit.payment.amount == sum((c.paid for c in remit.claims), Decimal(0)) - plb
        assert remit.payment.amount >= 0


def test_every_paid_line_is_allowed_its_contract_amount_unless_seeded(run):
    out, _manifest = run
    billed, contracts = _billed(out), _contracts(out)
    payer_of = {p.payer_id: p.code for p in build_world(SEED, patients=1).payers}
    seeded = {row["line_control_number"]: row for row in _tsv(out / "truth" / "underpayments.tsv")}
    checked = found = 0
    for _name, remit in _remits(out):
        for claim in remit.claims:
            if claim.status not in ("1", "19"):
                continue
            sent = billed[claim.patient_control_number]
            contract = contracts[payer_of[sent.subscriber.payer.id]]
            sent_lines = {line.control_number: line for line in sent.lines}
            for line in claim.lines:
                if any(a.reason == "97" for a in line.adjustments):
                    continue  # bundled: a denial of the line, not a price
                allowed = line.charge - sum((a.amount for a in line.adjustments
                                             if a.group != "PR"), Decimal(0))
                expected = contract.allowed(sent_lines[line.control_number], _day(line.dates))
                assert expected is not None
                if line.control_number in seeded:
                    row = seeded.pop(line.control_number)
                    assert Decimal(row["expected"]) == expected
                    assert Decimal(row["allowed"]) == allowed
                    assert expected - allowed >= 5
                    assert Decimal("0.05") * expected <= expected - allowed <= max(
                        Decimal("0.35") * expected + Decimal("0.01"), Decimal(5))
                    found += 1
                else:
                    assert allowed == expected, (claim.patient_control_number, line)
                checked += 1
    assert not seeded  # every seeded line was written
    assert found == CLAIMS // 100
    assert checked > 2000


def test_the_mid_run_rate_change_prices_each_line_by_its_date_of_service(run):
    contract = _contracts(run[0])[RAISED]
    changed = min(r.effective_from for r in contract.rows if r.version == 2)
    before = contract.rate("99213", date.fromordinal(changed.toordinal() - 1))
    after = contract.rate("99213", changed)
    assert before is not None
    assert after is not None
    assert after.amount > before.amount
    plain = schedules(build_world(SEED, patients=1).payers, date(2025, 1, 1), changed)
    assert plain[RAISED].rate("99213", changed).amount == after.amount  # type: ignore[union-attr]


def test_every_seeded_takeback_names_its_claim_and_one_paid_line(run):
    out, manifest = run
    truth = _tsv(out / "truth" / "recoupments.tsv")
    assert len(truth) == manifest.contracts["recoupments"] == CLAIMS // 400
    assert {r["kind"] for r in truth} >= {"WO", "reversal"}
    remits = dict(_remits(out))
    for row in truth:
        original = next(c for c in remits[row["original_remittance"]].claims
                        if c.patient_control_number == row["pcn"])
        assert original.payer_claim_control_number == row["reference"]
        paid = [line.paid for line in original.lines if line.paid > 0]
        line = next(ln for ln in original.lines if ln.control_number == row["line_control_number"])
        assert line.paid == Decimal(row["amount"])
        assert paid.count(line.paid) == 1
        later = remits[row["recouped_in"]]
        assert later.payment.date > remits[row["original_remittance"]].payment.date
        if row["kind"] == "reversal":
            reversal = [c for c in later.claims if c.patient_control_number == row["pcn"]]
            assert [c.status for c in reversal] == ["22"]
            assert reversal[0].paid == -Decimal(row["amount"])
        else:
            assert [(a.reason, a.amount) for a in later.provider_adjustments
                    if a.reference == row["reference"]] == [(row["kind"], Decimal(row["amount"]))]


def test_contract_mode_leaves_out_the_plain_runs_unexplained_takebacks(run):
    out = run[0]
    references = {r["reference"] for r in _tsv(out / "truth" / "recoupments.tsv")}
    for _name, remit in _remits(out):
        for adjustment in remit.provider_adjustments:
            assert adjustment.reason == "L6" or adjustment.reference in references


def test_the_manifest_counts_the_truth_and_every_payer_has_a_schedule(run):
    out, _manifest = run
    written = json.loads((out / "manifest.json").read_text())["contracts"]
    assert written["underpaid_lines"] == len(_tsv(out / "truth" / "underpayments.tsv"))
    assert written["payers"] == len(list((out / "contracts").glob("*.csv"))) == 6
    header = (out / "contracts" / "MCR.csv").read_text().splitlines()[0]
    assert header == ("procedure,modifier,place_of_service,basis,amount,percent,"
                      "effective_from,effective_to,action")
