"""A file whose processing stopped midway is finished without a person, each set once.

A run is "killed" here by a BaseException raised between two sets: like ``kill -9`` nothing
after it runs in the process (intake catches only Exception), and what the sets before it
committed stays. ``test_crash.py`` does the same with real processes and real signals.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rcmdesk.audit.models import AuditEvent
from rcmdesk.intake import lease, recovery, services
from rcmdesk.intake.models import AppliedSet, Channel, FileStatus, ReceivedFile
from rcmdesk.intake.services import ALREADY, BUSY, ingest, receive
from rcmdesk.intake.tasks import WorkerStopped, close_abandoned, process_file
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, LedgerEntry, RemitClaim
from rcmdesk.remits.tests.x12text import header, interchange, make_claim
from rcmdesk.tenancy.roles import Role

PAID = "CLP*PCN{n}*1*100*100**12*CCN{n}~SVC*HC:99213*100*100**1~"


class Killed(BaseException):
    """The process died here: no handler of intake's runs (they catch Exception only)."""


def three_sets(world, isa13="000000501"):
    """An 835 file of three sets, each paying one of three mirrored claims 100.00."""
    for n in (1, 2, 3):
        make_claim(world.acme, f"PCN{n}", [("99213", "100.00")])
    return interchange([("HP", "005010X221A1", header("100.00", trace=f"TRACE{n}")
                         + PAID.format(n=n)) for n in (1, 2, 3)], isa13=isa13)


def killed_after(monkeypatch, sets):
    """The next run dies right after its ``sets``-th set committed."""
    real = services._apply_once
    applied: list[dict[str, Any]] = []

    def apply_once(*args, **kwargs):
        if len(applied) == sets:
            raise Killed
        applied.append(real(*args, **kwargs))
        return applied[-1]

    monkeypatch.setattr(services, "_apply_once", apply_once)
    return lambda: monkeypatch.setattr(services, "_apply_once", real)


def crashed(world, monkeypatch, sets=2):
    """A file whose ingest died after ``sets`` sets: still "received", its claim held."""
    data = three_sets(world)
    revive = killed_after(monkeypatch, sets)
    with pytest.raises(Killed):
        ingest(world.acme, data, "crash.835")
    revive()
    return ReceivedFile.objects.get(), data


def time_passes(received, lease_lengths=2):
    """Move the file's claim (and receipt) back in time, as if its process went silent."""
    back = lease.length() * lease_lengths
    ReceivedFile.objects.filter(pk=received.pk).update(
        received_at=received.received_at - back,
        lease_since=received.lease_since - back if received.lease_since else None,
        lease_expires=received.lease_expires - back if received.lease_expires else None)
    received.refresh_from_db()
    return received


def cash():
    return sum((e.amount for e in LedgerEntry.objects.filter(account=Account.PAYER_CASH)),
               Decimal(0))


def test_a_run_killed_after_two_of_three_sets_leaves_the_file_received_with_its_claim(
        world, monkeypatch):
    received, _ = crashed(world, monkeypatch)
    assert received.status == FileStatus.RECEIVED
    assert lease.live(received)
    assert "process" in received.lease_holder
    assert AppliedSet.objects.filter(file=received).count() == 2
    assert cash() == Decimal("200")


def test_the_sweep_finishes_a_killed_run_once_its_claim_ran_out_posting_each_set_once(
        world, monkeypatch):
    received, _ = crashed(world, monkeypatch)
    assert recovery.sweep() == []  # the claim still runs: nobody takes it over yet
    time_passes(received)

    results = recovery.sweep()

    received.refresh_from_db()
    assert [r.line() for r in results] == ["crash.835: resumed: applied"]
    assert received.status == FileStatus.APPLIED  # not "duplicate": sets 1-2 were skipped
    assert {k: v["outcome"] for k, v in received.summary["sets"].items()} == {
        "000000501/1/0001": "applied", "000000501/2/0002": "applied",
        "000000501/3/0003": "applied"}
    assert RemitClaim.objects.count() == 3
    assert cash() == Decimal("300")
    assert check_ledger() == []
    assert not lease.held(received)


def test_taking_over_is_audited_with_the_previous_holder_and_since_when(world, monkeypatch):
    received, _ = crashed(world, monkeypatch)
    holder, since = received.lease_holder, time_passes(received).lease_since

    recovery.sweep()

    event = AuditEvent.objects.get(action="intake.recovered")
    assert event.detail["previous_holder"] == holder
    assert event.detail["previous_since"].startswith(f"{since:%Y-%m-%dT%H:%M:%S}")
    assert event.actor_username == "<recovery>"
    received.refresh_from_db()
    assert [h["event"] for h in received.history] == ["claimed", "recovered", "applied"]
    assert holder in received.history[1]["detail"]


def test_ingest_of_the_same_bytes_resumes_a_file_whose_run_stopped(world, monkeypatch):
    received, data = crashed(world, monkeypatch, sets=1)
    time_passes(received)

    result = ingest(world.acme, data, "crash-again.835")

    assert (result.outcome, result.resumed, result.ok) == (FileStatus.APPLIED, True, True)
    assert result.line() == "crash.835: resumed: applied"
    assert cash() == Decimal("300")


def test_a_file_received_but_never_started_is_resumed_not_called_already_ingested(world):
    data = three_sets(world)
    receive(world.acme, data, "stuck.835", channel=Channel.UPLOAD)

    result = ingest(world.acme, data, "stuck.835")

    assert result.outcome != ALREADY
    assert (result.outcome, result.resumed) == (FileStatus.APPLIED, True)
    assert cash() == Decimal("300")


def test_ingest_of_a_file_another_process_is_working_on_says_who_and_since_when(
        world, monkeypatch):
    received, data = crashed(world, monkeypatch)  # its claim is live: as if still running

    result = ingest(world.acme, data, "crash.835")

    assert result.outcome == BUSY
    assert not result.ok
    assert not result.settled
    assert result.line().startswith(f"crash.835: being processed by {received.lease_holder} "
                                    f"since {received.lease_since:%Y-%m-%d %H:%M:%S} UTC")
    assert cash() == Decimal("200")


def test_an_applied_file_sent_again_is_already_ingested_and_a_quarantined_one_is_not(world):
    data = three_sets(world)
    ingest(world.acme, data, "a.835")
    assert ingest(world.acme, data, "a.835").outcome == ALREADY
    ingest(world.acme, b"not x12", "bad.txt")
    again = ingest(world.acme, b"not x12", "bad.txt")
    assert (again.outcome, again.ok) == (FileStatus.QUARANTINED, False)
    assert again.message.startswith("already received on ")


def test_the_sweep_leaves_a_file_alone_while_a_task_waits_for_it_and_not_after(world):
    received, _ = receive(world.acme, three_sets(world), "queued.835", channel=Channel.UPLOAD)
    time_passes(received)
    task = process_file.enqueue(received.pk, None)
    assert recovery.sweep() == []
    DBTaskResult.objects.filter(pk=task.id).delete()  # the queue lost it

    assert [r.outcome for r in recovery.sweep()] == [FileStatus.APPLIED]


def test_a_slow_holder_whose_claim_was_taken_over_posts_nothing_twice(world, monkeypatch):
    data = three_sets(world)
    slow, _ = receive(world.acme, data, "slow.835", claim=True)
    time_passes(slow)
    assert [r.outcome for r in recovery.sweep()] == [FileStatus.APPLIED]
    slow.lease_expires = timezone.now() + lease.length()  # it thinks its claim still runs

    result = services._run(slow, None)  # it wakes up and carries on

    assert (result.outcome, result.message) == (FileStatus.APPLIED,
                                                "finished by the run that took it over")
    assert RemitClaim.objects.count() == 3
    assert cash() == Decimal("300")
    assert ReceivedFile.objects.get().status == FileStatus.APPLIED


def test_a_file_that_keeps_stopping_is_failed_for_a_person_after_the_cap(
        world, monkeypatch, settings):
    settings.RCMDESK_INGEST_MAX_RECOVERIES = 2
    received, _ = crashed(world, monkeypatch, sets=0)
    for _ in range(2):
        revive = killed_after(monkeypatch, 0)
        time_passes(received)
        with pytest.raises(Killed):
            recovery.sweep()
        revive()
    time_passes(received)

    result = recovery.sweep()[0]

    assert result.outcome == FileStatus.FAILED
    assert "stopped 3 times without finishing" in result.message
    assert cash() == 0


def test_recovery_fails_a_file_whose_sender_may_no_longer_send_files(world):
    staff = world.user(Role.CLIENT_STAFF)
    received, _ = receive(world.acme, three_sets(world), "u.835", acting_user=staff,
                          channel=Channel.UPLOAD)
    time_passes(received)
    staff.organization = world.birch  # moved to another client after sending it
    staff.save()

    result = recovery.sweep()[0]

    assert result.outcome == FileStatus.FAILED
    assert "may no longer send files for Acme Family Medicine" in result.message
    assert cash() == 0


def test_a_holder_on_this_machine_whose_process_is_gone_is_stale_at_once(world):
    child = subprocess.Popen(["true"])
    child.wait()
    received, _ = receive(world.acme, three_sets(world), "gone.835", claim=True)
    node = lease.this_process().rpartition(":")[0]
    ReceivedFile.objects.filter(pk=received.pk).update(lease_process=f"{node}:{child.pid}")
    received.refresh_from_db()
    assert lease.stale(received)
    ReceivedFile.objects.filter(pk=received.pk).update(lease_process=f"otherhost/1:{child.pid}")
    received.refresh_from_db()
    assert lease.live(received)  # another machine: only the expiry can tell


def test_an_error_outside_any_set_fails_the_file_with_the_reason(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("validator fell over")

    monkeypatch.setattr(services, "validate_and_parse", broken)
    result = ingest(world.acme, three_sets(world), "x.835")
    assert result.outcome == FileStatus.FAILED
    assert result.message == "processing stopped: RuntimeError: validator fell over"
    assert not lease.held(result.file)


def test_task_rows_a_dead_worker_left_running_are_closed_and_live_ones_are_not(world):
    data = three_sets(world)
    dead, _ = receive(world.acme, data, "dead.835", channel=Channel.UPLOAD)
    alive, _ = receive(world.acme, b"ISA*not really", "alive.835", claim=True)
    rows = [DBTaskResult.objects.get(pk=process_file.enqueue(f.pk, None).id)
            for f in (dead, alive)]
    long_ago = timezone.now() - lease.length() * 2
    for row in rows:
        row.claim("worker-that-died")
        DBTaskResult.objects.filter(pk=row.pk).update(started_at=long_ago)

    assert close_abandoned() == 1

    for row in rows:
        row.refresh_from_db()
    assert rows[0].status == "FAILED"
    assert rows[0].exception_class_path.endswith(WorkerStopped.__qualname__)
    assert f"file #{dead.pk} is received" in rows[0].traceback
    assert rows[1].status == "RUNNING"  # its file's claim is live: a slow task, not a dead one


def test_the_lease_is_renewed_only_once_a_quarter_of_it_has_passed(world):
    received, _ = receive(world.acme, b"ISA*x", "beat.835", claim=True)
    first = received.lease_expires
    lease.beat(received)
    assert received.lease_expires == first  # just claimed: nothing written
    half_gone = timezone.now() + lease.length() / 2
    received.lease_expires = half_gone
    lease.beat(received)
    assert received.lease_expires is not None
    assert received.lease_expires > half_gone
    assert ReceivedFile.objects.get().lease_expires == received.lease_expires
