"""Receiving files: once only, suspicious repeats and broken files quarantined, all audited;
the command and the watch folder resume a file whose first run stopped, and leave one another
process is working on alone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.intake import services
from rcmdesk.intake.models import FileStatus, InterchangeKey, ReceivedFile
from rcmdesk.intake.services import ALREADY, ingest, receive, retry
from rcmdesk.intake.tests.test_recovery import three_sets, time_passes
from rcmdesk.remits.models import Account, LedgerEntry
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.x12.validate import TOO_MANY

PAID = "CLP*PCN1*1*100*100**12*CCN1~SVC*HC:99213*100*100**1~"


def cash() -> Decimal:
    return sum((e.amount for e in LedgerEntry.objects.filter(account=Account.PAYER_CASH)),
               Decimal(0))


def test_the_same_file_ingested_twice_posts_once(world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    data = remit(header("100.00") + PAID)
    assert ingest(world.acme, data, "a.835").outcome == FileStatus.APPLIED
    again = ingest(world.acme, data, "a-copy.835")
    assert again.outcome == ALREADY
    assert again.ok
    assert cash() == Decimal("100")
    assert ReceivedFile.objects.count() == 1


def test_the_same_835_content_in_a_new_interchange_still_posts_once(world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    ingest(world.acme, remit(header("100.00") + PAID, isa13="000000001"), "a.835")
    result = ingest(world.acme, remit(header("100.00") + PAID, isa13="000000002"), "b.835")
    assert result.outcome == FileStatus.APPLIED
    assert result.file.summary["sets"]["000000002/1/0001"]["already_posted"] == 1
    assert cash() == Decimal("100")


def test_a_reused_isa13_with_different_content_is_quarantined(world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    ingest(world.acme, remit(header("100.00") + PAID, isa13="000000009"), "a.835")
    other = remit(header("100.00", trace="OTHER") + PAID, isa13="000000009")
    result = ingest(world.acme, other, "b.835")
    assert result.outcome == FileStatus.QUARANTINED
    assert "000000009" in result.message
    assert "a.835" in result.message
    assert cash() == Decimal("100")


def test_a_files_interchanges_are_looked_up_once_for_both_the_check_and_the_claim(
        world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    with CaptureQueriesContext(connection) as seen:
        result = ingest(world.acme, remit(header("100.00") + PAID), "a.835")
    assert result.outcome == FileStatus.APPLIED
    lookups = [q for q in seen.captured_queries
               if q["sql"].startswith("SELECT") and "intake_interchangekey" in q["sql"]]
    assert len(lookups) == 1
    assert InterchangeKey.objects.filter(file=result.file).count() == 1


def test_a_claim_losing_the_race_to_another_file_is_a_conflict_naming_that_file(
        world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    first = ingest(world.acme, remit(header("100.00") + PAID, isa13="000000007"), "a.835")
    key = InterchangeKey.objects.get(file=first.file)
    late, _ = receive(world.acme, remit(header("100.00", trace="OTHER") + PAID,
                                        isa13="000000007"), "b.835")
    # as if the other file's key was stored between this file's check and its claim
    words = services._claim_interchanges(late, {(key.isa_sender, key.isa13)})
    assert "000000007" in words
    assert "a.835" in words


def test_a_broken_file_is_quarantined_with_located_findings_and_nothing_applied(
        world: World) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    broken = remit(header("100.00") + "CLP*PCN1*1*ABC*100**12*CCN1~")
    result = ingest(world.acme, broken, "broken.835")
    assert result.outcome == FileStatus.QUARANTINED
    finding = result.file.findings[0]
    assert finding["segment"] == "CLP"
    assert finding["position"] > 0
    assert cash() == 0
    assert bytes(ReceivedFile.objects.get().content) == broken


def test_a_file_that_is_not_x12_is_quarantined_with_what_it_is_in_words(world: World) -> None:
    result = ingest(world.acme, b"hello, this is not X12", "note.txt")
    assert result.outcome == FileStatus.QUARANTINED
    assert result.file.reason == ("This file is plain text, not an X12 file. Upload the "
                                  "835/837/277CA/999 file your clearinghouse sent.")
    assert result.file.kind == "text"


def test_a_flood_of_bad_segments_is_quarantined_with_only_the_first_problems_kept(
        world: World, settings) -> None:
    settings.RCMDESK_MAX_FINDINGS = 20
    result = ingest(world.acme, remit(header("0.00") + "ZZ~" * 50_000), "flood.835")
    assert result.outcome == FileStatus.QUARANTINED
    assert result.message.startswith("more than 20 X12 problems: checking stopped")
    findings = ReceivedFile.objects.get().findings
    assert len(findings) == 21
    assert findings[-1]["rule"] == TOO_MANY
    assert "only the first 20 are listed" in findings[-1]["message"]
    assert cash() == 0


def test_a_held_file_can_be_retried_after_the_claim_arrives(world: World) -> None:
    data = remit(header("100.00") + PAID)
    first = ingest(world.acme, data, "early.835")
    assert first.outcome == FileStatus.APPLIED  # unmatched: an exception, not a loss
    unbalanced = ingest(world.acme, remit(header("90.00") + PAID, isa13="000000777"), "u.835")
    assert unbalanced.outcome == FileStatus.HELD_FOR_REVIEW
    assert retry(unbalanced.file).outcome == FileStatus.HELD_FOR_REVIEW


def test_every_ingest_writes_an_audit_event(world: World) -> None:
    data = remit(header("0.00") + "CLP*X*4*0*0**12*C~")
    ingest(world.acme, data, "a.835")
    ingest(world.acme, data, "a.835")
    actions = list(AuditEvent.objects.filter(client_org_id=world.acme.pk)
                   .values_list("action", flat=True))
    assert "intake.received" in actions
    assert "intake.applied" in actions
    assert "intake.duplicate" in actions


def test_an_837_creates_claims_and_charges_them_once(world: World) -> None:
    from rcmdesk.claims.models import Claim

    sample = Path(__file__).resolve().parents[3].parent / "shared" / "x12-samples"
    path = sample / "LinuxForHealth-x12" / "demo.example1.837"
    if not path.exists():
        pytest.skip("shared samples not present")
    assert ingest(world.acme, path.read_bytes(), "claims.837").outcome == FileStatus.APPLIED
    claims = Claim.objects.filter(client=world.acme)
    assert claims.exists()
    revenue = sum((e.amount for e in LedgerEntry.objects.filter(account=Account.REVENUE)),
                  Decimal(0))
    assert -revenue == sum((c.total_charge for c in claims), Decimal(0))


runner = CliRunner()


def test_the_ingest_command_exits_0_for_applied_and_already_ingested(
        world: World, tmp_path: Path) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    path = tmp_path / "a.835"
    path.write_bytes(remit(header("100.00") + PAID))
    first = runner.invoke(app, ["ingest", str(path), "--client", "acme"])
    assert first.exit_code == 0, first.output
    assert "applied" in first.output
    second = runner.invoke(app, ["ingest", str(path), "--client", "acme"])
    assert second.exit_code == 0
    assert "already ingested" in second.output


def test_the_ingest_command_exits_1_when_a_file_is_quarantined(
        world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.835"
    path.write_bytes(b"ISA*broken")
    result = runner.invoke(app, ["ingest", str(path), "--client", "acme"])
    assert result.exit_code == 1
    assert "quarantined" in result.output


def test_the_watch_command_moves_files_to_done_or_quarantine(
        world: World, tmp_path: Path, settings) -> None:
    settings.RCMDESK_WATCH_SETTLE_SECONDS = 0  # test_watch_folder.py: files still written
    (tmp_path / "good.835").write_bytes(remit(header("0.00") + "CLP*X*4*0*0**12*C~"))
    (tmp_path / "bad.835").write_bytes(b"not x12")
    result = runner.invoke(app, ["watch", str(tmp_path), "--client", "acme", "--once"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "done" / "good.835").exists()
    assert (tmp_path / "quarantine" / "bad.835").exists()


def stopped_file(world: World, tmp_path: Path, name: str = "stopped.835") -> tuple[Path, Any]:
    """A file on disk whose first ingest was killed before it was applied (its claim ran out)."""
    path = tmp_path / name
    path.write_bytes(three_sets(world))
    received, _ = receive(world.acme, path.read_bytes(), name, claim=True)
    return path, time_passes(received)


def test_the_ingest_command_resumes_a_file_whose_first_run_stopped_and_exits_0(
        world: World, tmp_path: Path) -> None:
    path, _ = stopped_file(world, tmp_path)
    result = runner.invoke(app, ["ingest", str(path), "--client", "acme"])
    assert result.exit_code == 0, result.output
    assert result.output == "stopped.835: resumed: applied\n"
    assert "already ingested" not in result.output
    assert cash() == Decimal("300")


def test_the_ingest_command_exits_1_naming_who_is_processing_the_file(
        world: World, tmp_path: Path) -> None:
    path = tmp_path / "busy.835"
    path.write_bytes(three_sets(world))
    received, _ = receive(world.acme, path.read_bytes(), "busy.835", claim=True)
    result = runner.invoke(app, ["ingest", str(path), "--client", "acme"])
    assert result.exit_code == 1
    assert (f"busy.835: being processed by {received.lease_holder} since "
            f"{received.lease_since:%Y-%m-%d %H:%M:%S} UTC") in result.output
    assert cash() == 0


def test_the_watch_command_leaves_a_file_another_process_is_working_on_in_place(
        world: World, tmp_path: Path, settings) -> None:
    settings.RCMDESK_WATCH_SETTLE_SECONDS = 0
    path = tmp_path / "busy.835"
    path.write_bytes(three_sets(world))
    receive(world.acme, path.read_bytes(), "busy.835", claim=True)
    result = runner.invoke(app, ["watch", str(tmp_path), "--client", "acme", "--once"])
    assert result.exit_code == 0, result.output
    assert "being processed by" in result.output
    assert path.exists()
    assert not (tmp_path / "done" / "busy.835").exists()


def test_the_watch_command_resumes_a_file_whose_first_run_stopped_before_moving_it_to_done(
        world: World, tmp_path: Path, settings) -> None:
    settings.RCMDESK_WATCH_SETTLE_SECONDS = 0
    _, received = stopped_file(world, tmp_path)
    result = runner.invoke(app, ["watch", str(tmp_path), "--client", "acme", "--once"])
    assert "stopped.835: resumed: applied" in result.output
    assert (tmp_path / "done" / "stopped.835").exists()
    received.refresh_from_db()
    assert received.status == FileStatus.APPLIED
