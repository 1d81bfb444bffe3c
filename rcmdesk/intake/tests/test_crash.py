"""The crash test: ``kill -9`` of a real ``rcmdesk ingest`` and of a real ``rcmdesk worker``
while they apply a large synthetic 835, several times, at seeded random moments. Then,
with no person involved (a restarted worker's recovery sweep), each file ends applied and
posted exactly once: the same remittances, claims, exceptions and ledger totals as a clean
ingest of the same file for a third client; the ledger balances and the audit chain verifies.

The processes run against this test's committed database (the SQLite file, or PostgreSQL
under scripts/with-postgres), with a 2-second lease. Each kill waits until the process has
claimed the file, then a random part of a clean run's duration, so that it lands somewhere
in the processing (parse, a set's transaction, between sets, the outcome), not in Python's
start-up. RCMDESK_CRASH_SEED and RCMDESK_CRASH_KILLS change the moments and their number.
"""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.tasks import TaskResultStatus
from django.utils.dateparse import parse_datetime
from django_tasks_db.models import DBTaskResult

import rcmdesk
from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import verify
from rcmdesk.conftest import World
from rcmdesk.demo.backoffice import feed_files
from rcmdesk.intake import lease
from rcmdesk.intake.models import AppliedSet, Channel, FileStatus, ReceivedFile
from rcmdesk.intake.services import ingest, receive
from rcmdesk.intake.tasks import process_file
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import LedgerEntry, PostingException, RemitClaim, Remittance
from rcmdesk.synth import generate
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t835
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_835

pytestmark = pytest.mark.django_db(transaction=True)

SEED = int(os.environ.get("RCMDESK_CRASH_SEED", "32"))
KILLS = int(os.environ.get("RCMDESK_CRASH_KILLS", "4"))
CLAIMS = 1500  # about 190 835 sets and 1,550 claim payments: a few seconds to post
LEASE_SECONDS = 2


def crash_835(tmp_path: Path, clients: list[Organization]) -> bytes:
    """Every 835 of a synthetic run merged into one file, after its 837s were ingested for
    each client (so that the 835's claims are there to be paid)."""
    generate(tmp_path / "synth", seed=SEED, claims=CLAIMS)
    for org in clients:
        for path in feed_files(tmp_path / "synth"):
            if path.parent.name == "837":
                assert ingest(org, path.read_bytes(), path.name).outcome == FileStatus.APPLIED
    remits = [r for path in sorted((tmp_path / "synth" / "835").glob("*.x12"))
              for r in t835.remittances(path)]
    bodies = [build_835(dataclasses.replace(r, control=f"{n:04d}"))
              for n, r in enumerate(remits, start=1)]
    return write_interchange(bodies, Envelope(sender="CRASHPAYER", receiver="RCMDESK",
                                              interchange_control=424242))


def processing_seconds(received: ReceivedFile) -> float:
    """From the claim to the outcome, as the file's history has them."""
    at = {entry["event"]: parse_datetime(entry["at"]) for entry in received.history}
    return (at["applied"] - at["claimed"]).total_seconds()  # type: ignore[operator]


def database_url() -> str:
    """This test's database, for the processes it starts."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{quote(db['NAME'])}"


@pytest.fixture
def env() -> dict[str, str]:
    root = str(Path(rcmdesk.__file__).resolve().parents[1])
    return {**os.environ, "DATABASE_URL": database_url(),
            "RCMDESK_AUDIT_KEY": settings.AUDIT_HMAC_KEY, "RCMDESK_SECRET_KEY": settings.SECRET_KEY,
            "RCMDESK_INGEST_LEASE_SECONDS": str(LEASE_SECONDS),
            "RCMDESK_INGEST_MAX_RECOVERIES": str(KILLS + 5),
            "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


@dataclasses.dataclass
class Crashes:
    """The processes started, and how many were killed while they held the file."""

    env: dict[str, str]
    logs: Path
    rng: random.Random
    sets: int = 0
    kills: int = 0
    points: list[int] = dataclasses.field(default_factory=list)  # sets applied at each kill
    started: list[subprocess.Popen[bytes]] = dataclasses.field(default_factory=list)

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{len(self.started):02d}-{args[0]}.log").open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "rcmdesk.cli", *args],
                                       env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append(process)
        return process

    def kill_while_holding(self, process: subprocess.Popen[bytes],
                           file: Callable[[], ReceivedFile | None]) -> bool:
        """Once ``process`` holds the file, let it get a random way through, then kill -9 it
        (and reap it, so its PID is gone). True if it died holding the file unfinished.

        The moment is drawn as a share of the sets still to apply (0: while it parses), not
        as seconds, so the kill lands mid-file however loaded the machine is.
        """
        received = self.wait(process, lambda f: f.lease_process.endswith(f":{process.pid}"),
                             file)
        share = self.rng.uniform(-0.15, 0.6)
        if received is not None and share > 0:
            before = AppliedSet.objects.filter(file=received).count()
            target = before + max(1, int(share * (self.sets - before)))
            while process.poll() is None and \
                    AppliedSet.objects.filter(file=received).count() < target:
                time.sleep(0.01)
        else:
            time.sleep(self.rng.uniform(0, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait()
        received = file()
        died_holding = (process.returncode == -signal.SIGKILL and received is not None
                        and received.lease_process.endswith(f":{process.pid}"))
        self.kills += died_holding
        if died_holding and received is not None:
            self.points.append(AppliedSet.objects.filter(file=received).count())
        return died_holding

    @staticmethod
    def wait(process: subprocess.Popen[bytes], ready: Callable[[ReceivedFile], bool],
             file: Callable[[], ReceivedFile | None]) -> ReceivedFile | None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            received = file()
            if received is not None and ready(received):
                return received
            time.sleep(0.02)
        return None

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def crashes(env: dict[str, str], tmp_path: Path) -> Iterator[Crashes]:
    (tmp_path / "logs").mkdir()
    run = Crashes(env, tmp_path / "logs", random.Random(SEED))
    yield run
    run.stop_all()


def file_of(org: Organization) -> Callable[[], ReceivedFile | None]:
    return lambda: ReceivedFile.objects.defer("content").filter(
        client=org, original_name="crash.835").first()


def running_tasks(received: ReceivedFile) -> int:
    """Task rows of the file still "running" (a killed worker's, until the sweep closes it)."""
    rows = DBTaskResult.objects.filter(task_path=process_file.module_path,
                                       status=TaskResultStatus.RUNNING)
    return sum(1 for args in rows.values_list("args_kwargs", flat=True)
               if args["args"][:1] == [received.pk])


def until_applied(org: Organization, crashes: Crashes, timeout: float = 180) -> None:
    """A worker, as a supervisor restarts it, until it has finished the file by itself and
    closed the task rows its killed predecessors left running."""
    worker = crashes.start("worker")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = file_of(org)()
        if received is not None and received.status == FileStatus.APPLIED \
                and not running_tasks(received):
            worker.terminate()
            worker.wait(timeout=60)
            return
        assert worker.poll() is None, f"the worker stopped; logs in {crashes.logs}"
        time.sleep(0.2)
    raise AssertionError(f"{org.slug}: the file was not recovered within {timeout} s; "
                         f"logs in {crashes.logs}")


def books(org: Organization) -> dict[str, Any]:
    """What posting the file left in one client's books."""
    entries = LedgerEntry.objects.filter(client=org).values("account").annotate(
        total=Sum("amount"), n=Count("id"))
    return {"remittances": Remittance.objects.filter(client=org).count(),
            "claim payments": RemitClaim.objects.filter(remittance__client=org).count(),
            "exceptions": PostingException.objects.filter(client=org).count(),
            "ledger": {e["account"]: (Decimal(str(e["total"])).quantize(Decimal("0.01")),
                                      e["n"]) for e in entries}}


def assert_posted_once(org: Organization, clean: dict[str, Any], sets: int) -> ReceivedFile:
    received = file_of(org)()
    assert received is not None
    assert received.status == FileStatus.APPLIED, received.reason
    assert not lease.held(received)
    outcomes = {item["outcome"] for item in received.summary["sets"].values()}
    assert (len(received.summary["sets"]), outcomes) == (sets, {"applied"})
    assert AppliedSet.objects.filter(file=received).count() == sets
    assert books(org) == clean
    return received


def test_kill_9_of_ingest_and_of_the_worker_mid_file_then_it_is_posted_exactly_once(
        world: World, tmp_path: Path, crashes: Crashes) -> None:
    began = time.monotonic()
    cedar = Organization.objects.create(slug="cedar", name="Cedar Clinic", kind="client")
    data = crash_835(tmp_path, [world.acme, world.birch, cedar])
    path = tmp_path / "crash.835"
    path.write_bytes(data)
    clean = ingest(cedar, data, "crash.835")
    assert clean.outcome == FileStatus.APPLIED, clean.message
    sets, expected = len(clean.file.summary["sets"]), books(cedar)
    crashes.sets = sets

    # kill -9 of `rcmdesk ingest`, again and again, each run resuming the last one
    ingest_kills = 0
    for _ in range(KILLS):
        process = crashes.start("ingest", str(path), "--client", "acme")
        ingest_kills += crashes.kill_while_holding(process, file_of(world.acme))
    until_applied(world.acme, crashes)

    # kill -9 of the worker running the upload's task, then of the workers recovering it
    received, _ = receive(world.birch, data, "crash.835", channel=Channel.UPLOAD)
    process_file.enqueue(received.pk, None)
    for _ in range(KILLS):
        crashes.kill_while_holding(crashes.start("worker"), file_of(world.birch))
    until_applied(world.birch, crashes)
    worker_kills = crashes.kills - ingest_kills

    for org in (world.acme, world.birch):
        assert_posted_once(org, expected, sets)
    assert check_ledger() == []
    checked, broken = verify()
    assert broken is None, str(broken)
    recovered = AuditEvent.objects.filter(action="intake.recovered").count()
    assert (ingest_kills, worker_kills) == (KILLS, KILLS), "a run finished before its kill"
    assert recovered >= 2
    print(f"\ncrash test on {connection.vendor}: {ingest_kills} kills of rcmdesk ingest, "
          f"{worker_kills} of rcmdesk worker (with {crashes.points} of {sets} sets applied), "
          f"{recovered} takeovers; "
          f"{expected['claim payments']} claim payments; clean ingest "
          f"{processing_seconds(clean.file):.1f} s; {checked} audit events verified; "
          f"{time.monotonic() - began:.0f} s in all (seed {SEED})")
