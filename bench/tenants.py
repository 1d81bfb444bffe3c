"""Benchmark tenant isolation on PostgreSQL: one client's imports against another's screens.

The promise is that no client waits for another. Two measurements, each process on its own
connection tagged ``application_name = 'tenant-<client id>'``:

1. Cross-tenant latency. Client A (its own process) ingests through the real intake path
   (``rcmdesk.intake.services.ingest``, as bench/posting.py does) (a) an 835 paying N
   claims, (b) an 837 of N new claims, (c) a replacement 837 (frequency 7, REF*F8) of the
   claims (a) paid, half of them charged below what was paid (credit balances). Meanwhile
   client B's audited operations run every 100 ms from another process: a claim read (what
   the claim page does: ``claims.queries.get_claim`` + ``record("read")``), "Get next"
   (``workqueue.services.claim_next``) and recording an action on the item it was handed
   (``workqueue.services.act``, what the item page's form calls; a note that puts the item
   back in the pool, so a small queue never runs dry). p50/p99/max per phase, and idle
   before A starts.
2. Scaling: 1, 2, 4, ... processes, each working a different client (claim read + get next
   + record action in a loop for ``--seconds``): audited operations/s and p99 per level.

During both, a sampler process polls ``pg_locks`` joined with ``pg_stat_activity`` every
75 ms. A waiter (granted = false) whose blocking process (``pg_blocking_pids``) works for
another client waits on something shared between tenants; each such wait (one waiting
statement, however many polls saw it) counts once in ``shared_lock_waits``.

The data is made by the other benches' generators and the product's services: the 837/835
pair of bench/posting.py ingested through intake, bench/work_queue.py's clients,
specialists and work items. The last line is
``cross_tenant_p99_ms=... cross_tenant_max_ms=... shared_lock_waits=...`` (p99/max over all
of B's operations during A's three imports, counting the ticks a late operation swallowed -
B stands still while it waits - as HdrHistogram corrects coordinated omission; the waits
over both parts).
Targets: p99 < 100 ms, max < 250 ms, shared_lock_waits=0. PostgreSQL only (the waits are
its row locks); without a PostgreSQL DATABASE_URL it says so and exits 2.

Usage: scripts/with-postgres python bench/tenants.py [--claims 20000]
           [--levels 1,2,4,8,16,32] [--seconds 10] [--idle 5]
Another tree's code (the header names the tree and commit measured):
       cd /other/tree && PYTHONPATH=$PWD scripts/with-postgres python /this/bench/tenants.py
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The code measured: the first PYTHONPATH entry holding rcmdesk (so this bench can time another
# tree: ``cd /other/tree && PYTHONPATH=$PWD python /this/tree/bench/tenants.py``), else this
# checkout's. Imported before the generators below, which put their own checkout first.
TREE = next((Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
             if p and (Path(p) / "rcmdesk").is_dir()), ROOT)
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(TREE))
RCMDESK = importlib.import_module("rcmdesk")  # bound to TREE before anything moves sys.path

import argparse  # noqa: E402
import contextlib  # noqa: E402
import multiprocessing as mp  # noqa: E402
import queue  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from typing import Any  # noqa: E402

from _common import setup_django  # noqa: E402
from posting import BenchClaim, build_835, build_837p, make_claims  # noqa: E402
from work_queue import Desk, make_desk, make_items, percentile  # noqa: E402

TARGETS = "targets: cross-tenant p99 < 100 ms, max < 250 ms, shared_lock_waits=0"
TICK = 0.1  # B's operations: one cycle every 100 ms
POLL = 0.075  # the pg_locks sampler
OPS = ("read", "next", "act")
PHASES = {0: "idle (before A)", 1: "(a) A ingests 835", 2: "(b) A ingests new 837",
          3: "(c) A ingests replacement 837"}
WARM = ("rcmdesk.audit.services", "rcmdesk.claims.queries", "rcmdesk.workqueue.services",
        "rcmdesk.intake.services")
ctx = mp.get_context("fork")


class BenchFailure(Exception):
    """A process of the bench failed; the message says which and why."""


class Pending(BenchFailure):
    """A process has not answered yet (``Handle.result`` with a timeout)."""


def code() -> str:
    """Which tree and commit the rcmdesk measured comes from (and whether it has changes)."""
    tree = Path(str(RCMDESK.__file__)).resolve().parents[1]
    git = ["git", "-C", str(tree)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=False).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no", "rcmdesk"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return f"{tree} at {head or '?'}" + (" with uncommitted changes" if dirty else "")


def load() -> str:
    return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the files A ingests ----------------------------------------------------------------------

def with_control(data: bytes, control: int) -> bytes:
    """The same interchange under another control number (ISA13, GS06, GE02, IEA02): intake
    refuses a second file reusing a control number from the same sender."""
    text = data.decode()
    swaps = [(r"(\*00501\*)000000001(\*)", rf"\g<1>{control:09d}\g<2>"),
             (r"(\*1200\*)1(\*X\*)", rf"\g<1>{control}\g<2>"),
             (r"(GE\*1\*)1~", rf"\g<1>{control}~"),
             (r"(IEA\*1\*)000000001~", rf"\g<1>{control:09d}~")]
    for pattern, new in swaps:
        text, found = re.subn(pattern, new, text)
        if found != 1:
            raise BenchFailure(f"control number: {pattern} found {found} times")
    return text.encode()


def new_claims(count: int) -> list[BenchClaim]:
    """Other claims than ``make_claims`` (other PCNs and amounts), for the same patients."""
    return [BenchClaim(f"NEW{n:07d}", claim.lines)
            for n, claim in enumerate(make_claims(count, seed=7), start=1)]


def replacement_837(claims: list[BenchClaim]) -> bytes:
    """Frequency 7 of every claim, with the payer's claim control number (REF*F8, as the 835
    of bench/posting.py numbers it); odd claims charged 10% less (below what was paid: a
    credit balance each), even ones 10% more."""
    changed = [BenchClaim(c.pcn, tuple(replace(ln, charge=ln.charge * (9 if n % 2 else 11) // 10)
                                       for ln in c.lines))
               for n, c in enumerate(claims, start=1)]
    text, count = re.subn(
        r"CLM\*(PCN(\d+))\*([0-9.]+)\*\*\*11:B:1\*([^~]*)~\n",
        lambda m: f"CLM*{m[1]}*{m[3]}***11:B:7*{m[4]}~\nREF*F8*PCC{int(m[2]):09d}~\n",
        build_837p(changed).decode())
    if count != len(claims):
        raise BenchFailure(f"replacement: {count} CLM segments rewritten of {len(claims)}")
    text = re.sub(r"SE\*(\d+)\*0001", lambda m: f"SE*{int(m[1]) + count}*0001", text)
    return with_control(text.encode(), 4)


@dataclass(frozen=True)
class Import:
    label: str
    name: str
    path: Path
    claims: int


def a_files(tmp: Path, count: int) -> tuple[Path, list[Import]]:
    """A's first 837 (set-up) and the three files of the measurement, written to ``tmp``."""
    claims = make_claims(count)
    files = {"setup.837": build_837p(claims), "pay.835": build_835(claims),
             "new.837": with_control(build_837p(new_claims(count)), 3),
             "replace.837": replacement_837(claims)}
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    return tmp / "setup.837", [
        Import(PHASES[1], "835", tmp / "pay.835", count),
        Import(PHASES[2], "new 837", tmp / "new.837", count),
        Import(PHASES[3], "replacement 837", tmp / "replace.837", count)]


def ingest(client_id: int, path: Path) -> str:
    from rcmdesk.intake.services import ingest as intake
    from rcmdesk.tenancy.models import Organization

    result = intake(Organization.objects.get(pk=client_id), path.read_bytes(), path.name,
                    channel="cli")
    if result.outcome != "applied":
        raise BenchFailure(f"{path.name}: {result.line()}")
    return str(result.line())


# --- processes --------------------------------------------------------------------------------

def tag_connections(name: str) -> None:
    """Every connection this process opens says which tenant it works for."""
    from django.db.backends.signals import connection_created

    def tag(sender: Any, connection: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('application_name', %s, false)", [name])

    connection_created.connect(tag, weak=False)


def _child(name: str, out: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    from django.db import connections

    try:
        tag_connections(name)
        out.put(("ok", fn(*args)))
    except BaseException:
        out.put(("error", traceback.format_exc()))
    finally:
        connections.close_all()


@dataclass
class Handle:
    name: str
    process: Any
    out: Any

    def result(self, timeout: float | None = None) -> Any:
        """What the process returned; a failure (an exception, an exit without an answer) is a
        BenchFailure naming the process, no answer within ``timeout`` seconds ``Pending``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                status, value = self.out.get(timeout=1.0)
                break
            except queue.Empty:
                if not self.process.is_alive():
                    raise BenchFailure(f"{self.name} exited (code {self.process.exitcode}) "
                                       "without a result") from None
                if deadline is not None and time.monotonic() > deadline:
                    raise Pending(f"{self.name}: no result after {timeout:.0f}s") from None
        if status != "ok":
            raise BenchFailure(f"{self.name} failed:\n{value}")
        return value


@dataclass
class Pool:
    stop: Any = field(default_factory=ctx.Event)
    handles: list[Handle] = field(default_factory=list)

    def start(self, name: str, fn: Callable[..., Any], *args: Any) -> Handle:
        out = ctx.Queue()
        process = ctx.Process(target=_child, args=(name, out, fn, args), name=name, daemon=True)
        process.start()
        handle = Handle(name, process, out)
        self.handles.append(handle)
        return handle


@contextlib.contextmanager
def processes() -> Iterator[Pool]:
    """Forked processes on fresh connections, always stopped, joined and if need be ended."""
    from django.db import connections

    connections.close_all()  # each forked process opens its own
    pool = Pool()
    try:
        yield pool
    finally:
        pool.stop.set()
        for handle in pool.handles:
            handle.process.join(timeout=10)
            if handle.process.is_alive():
                handle.process.terminate()
                handle.process.join(timeout=5)


# --- one client's audited operations ----------------------------------------------------------

class Desk1:
    """One specialist of one client doing what the pages do: read a claim, Get next, record."""

    def __init__(self, desk: Desk) -> None:
        from rcmdesk.accounts.models import User
        from rcmdesk.claims.models import Claim
        from rcmdesk.workqueue import services
        from rcmdesk.workqueue.models import ActionKind, ItemStatus

        self.user = User.objects.get(pk=desk.user_ids[0])
        self.claims = list(Claim.objects.filter(client_id=desk.client_id)
                           .order_by("pk").values_list("pk", flat=True))
        if not self.claims:
            raise BenchFailure(f"client {desk.client_id} has no claims")
        self.turn = 0
        # a note, and the item back in the pool (still this specialist's) for the next cycle
        self.step = services.Step(ActionKind.NOTE, note="bench: checked",
                                  status=ItemStatus.OPEN)

    def cycle(self) -> list[tuple[str, float]]:
        """The three operations once, each with its milliseconds."""
        from rcmdesk.audit.services import record
        from rcmdesk.claims import queries
        from rcmdesk.workqueue import services

        self.turn += 1
        claim_id = self.claims[self.turn % len(self.claims)]
        spent = []
        start = time.perf_counter()
        claim = queries.get_claim(self.user, claim_id)
        record("read", client_id=claim.client_id, obj=claim, acting_user=self.user)
        spent.append(("read", time.perf_counter() - start))
        start = time.perf_counter()
        item = services.claim_next(acting_user=self.user)
        spent.append(("next", time.perf_counter() - start))
        if item is None:
            raise BenchFailure(f"client {claim.client_id}: Get next handed nothing")
        start = time.perf_counter()
        services.act(item, item.version, self.step, acting_user=self.user)
        spent.append(("act", time.perf_counter() - start))
        return [(op, seconds * 1000) for op, seconds in spent]


def tick(desk: Desk, phase: Any, stop: Any) -> list[tuple[int, str, float]]:
    """B: one cycle every TICK (right after the last one when it ran late), tagged with the
    phase A was in when it started, until told to stop."""
    from rcmdesk.audit.context import acting

    worker = Desk1(desk)
    samples: list[tuple[int, str, float]] = []
    with acting(worker.user, channel="web"):
        worker.cycle()  # warm (first queries), not a sample
        due = time.monotonic()
        while not stop.is_set():
            wait = due - time.monotonic()
            if wait > 0:
                stop.wait(wait)
                continue
            due = max(due + TICK, time.monotonic())
            current = phase.value
            samples += [(current, op, ms) for op, ms in worker.cycle()]
    return samples


def work(desk: Desk, barrier: Any, seconds: float) -> tuple[int, float, list[float]]:
    """A scaling worker: cycles back to back for ``seconds``; (ops, elapsed, latencies)."""
    from rcmdesk.audit.context import acting

    try:
        worker = Desk1(desk)
    except BaseException:
        barrier.abort()  # the others (and the bench) stop waiting for this one
        raise
    latencies: list[float] = []
    with acting(worker.user, channel="web"):
        worker.cycle()  # warm (first queries), before the clock starts
    barrier.wait(timeout=300)
    start = time.monotonic()
    with acting(worker.user, channel="web"):
        while time.monotonic() - start < seconds:
            latencies += [ms for _, ms in worker.cycle()]
    return len(latencies), time.monotonic() - start, latencies


def import_a(client_id: int, imports: list[Import], phase: Any) -> list[tuple[str, float, str]]:
    """A: the three files one after the other, the phase set before each."""
    from rcmdesk.audit.context import acting

    done = []
    with acting(None, channel="cli:bench"):
        for number, step in enumerate(imports, start=1):
            phase.value = number
            start = time.perf_counter()
            line = ingest(client_id, step.path)
            done.append((step.name, time.perf_counter() - start, line))
            print(f"  A: {step.name} ingested in {done[-1][1]:.1f}s ({load()})", flush=True)
    phase.value = len(imports) + 1
    return done


# --- pg_locks ---------------------------------------------------------------------------------

WAITERS = """
SELECT w.pid, w.application_name, w.query_start, l.locktype,
       coalesce(l.relation::regclass::text, ''), l.mode, w.query,
       ARRAY(SELECT b.application_name FROM pg_stat_activity b
             WHERE b.pid = ANY(pg_blocking_pids(w.pid)))
FROM pg_locks l JOIN pg_stat_activity w ON w.pid = l.pid
WHERE NOT l.granted AND w.datname = current_database()
"""


@dataclass
class LockWaits:
    polls: int = 0
    shared: set[tuple[Any, ...]] = field(default_factory=set)  # (waiter pid, its statement)
    same: set[tuple[Any, ...]] = field(default_factory=set)
    observations: int = 0
    most_at_once: int = 0
    on: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        top = "; ".join(f"{n}x {what}" for what, n in self.on.most_common(3))
        return (f"pg_locks: {len(self.shared)} shared-lock waits (a waiter blocked by another "
                f"client's process; {self.observations} sightings over {self.polls} polls, "
                f"at most {self.most_at_once} waiting at once), {len(self.same)} waits within "
                f"one client" + (f"; waited on: {top}" if top else ""))


def statement(query: str) -> str:
    """What a waiting statement does, short: its verb, tables and row lock."""
    tables = dict.fromkeys(re.findall(r'(?:FROM|UPDATE|INTO|JOIN)\s+"?(\w+)"?', query))
    lock = re.search(r"FOR (NO KEY UPDATE|UPDATE|SHARE|KEY SHARE)", query)
    words = [query.split()[0] if query.split() else "?", ",".join(list(tables)[:3])]
    return " ".join(words + ([f"FOR {lock[1]}"] if lock else []))


def sample_locks(stop: Any) -> LockWaits:
    """Poll the waiters every POLL until told to stop."""
    from django.db import connection

    seen = LockWaits()
    with connection.cursor() as cursor:
        while not stop.is_set():
            cursor.execute(WAITERS)
            rows = cursor.fetchall()
            seen.polls += 1
            at_once = set()
            for pid, app, started, locktype, relation, mode, query, blockers in rows:
                episode = (pid, started)
                others = {b for b in blockers if b.startswith("tenant-") and b != app}
                if not (app.startswith("tenant-") and others):
                    if any(b == app for b in blockers):
                        seen.same.add(episode)
                    continue
                seen.observations += 1
                at_once.add(pid)
                if episode not in seen.shared:
                    seen.shared.add(episode)
                    seen.on[f"{locktype} {relation} {mode} by {statement(query)}"] += 1
            seen.most_at_once = max(seen.most_at_once, len(at_once))
            stop.wait(POLL)
    return seen


# --- set-up -----------------------------------------------------------------------------------

def make_tenant(slug: str, claims: int, items: int, seed: int) -> Desk:
    """A client with a specialist, ``claims`` claims ingested from an 837 and open items."""
    desk = make_desk(slug, 1)
    path = Path(tempfile.gettempdir()) / f"tenants-bench-{os.getpid()}-{slug}.837"
    try:
        path.write_bytes(build_837p(make_claims(claims, seed=seed)))
        ingest(desk.client_id, path)
    finally:
        path.unlink(missing_ok=True)
    make_items(desk.client_id, items)
    return desk


def a_outcome(client_id: int) -> str:
    """What A's files left: proof the replacement replaced (and flagged credit balances)."""
    from rcmdesk.claims.models import Claim
    from rcmdesk.claims.services import CREDIT_BALANCE
    from rcmdesk.remits.models import PostingException

    claims = Claim.objects.filter(client_id=client_id)
    flagged = PostingException.objects.filter(client_id=client_id, reason=CREDIT_BALANCE)
    return (f"A now has {claims.count():,} claims, {claims.filter(frequency='7').count():,} "
            f"replaced (frequency 7), {flagged.count():,} credit-balance exceptions")


def corrected(values: list[float]) -> list[float]:
    """The samples plus those a late operation swallowed: B stands still while it waits, so
    an operation of V ms also stands for the ticks due during it, which would have waited
    V - 100, V - 200, ... ms (coordinated omission, corrected as HdrHistogram's
    expected-interval recording does). Without it an 11-minute freeze is one sample."""
    interval = TICK * 1000
    out = list(values)
    for value in values:
        missed = value - interval
        while missed >= interval:
            out.append(missed)
            missed -= interval
    return out


def stats(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (f"p50 {percentile(values, 50):7.1f} p99 {percentile(values, 99):7.1f} "
            f"max {max(values):7.1f}")


# --- the two measurements ---------------------------------------------------------------------

@dataclass
class Figures:
    cross: list[float] = field(default_factory=list)  # B's ms during A's imports
    shared_waits: int = 0


def cross_tenant(args: argparse.Namespace, a: Desk, b: Desk, imports: list[Import],
                 figures: Figures) -> None:
    with processes() as pool:
        phase = ctx.Value("i", 0)
        sampler = pool.start("tenants-sampler", sample_locks, pool.stop)
        ticker = pool.start(f"tenant-{b.client_id}", tick, b, phase, pool.stop)
        time.sleep(args.idle)
        importer = pool.start(f"tenant-{a.client_id}", import_a, a.client_id, imports, phase)
        while True:  # a failed B or sampler stops the run at once, not after A's imports
            try:
                done = importer.result(timeout=2)
                break
            except Pending:
                for other in (ticker, sampler):
                    if not other.process.is_alive():
                        other.result(timeout=1)
                        raise BenchFailure(f"{other.name} stopped before A finished") from None
        pool.stop.set()
        samples: list[tuple[int, str, float]] = ticker.result(timeout=600)
        waits: LockWaits = sampler.result(timeout=60)
    print(f"client B's audited operations, every {TICK * 1000:.0f} ms (ms; read = claim read, "
          f"next = Get next, act = record an action):", flush=True)
    for number, label in PHASES.items():
        rows = [s for s in samples if s[0] == number]
        print(f"  {label:31} {len(rows):5} ops  all {stats([ms for *_, ms in rows])}")
        swallowed = corrected([ms for *_, ms in rows])
        print(f"  {'':31} {'+' + str(len(swallowed) - len(rows)):>5} ops  all {stats(swallowed)}"
              f"  (+ the ticks late operations swallowed)")
        for op in OPS:
            print(f"  {'':31} {'':9} {op:>4} {stats([ms for _, o, ms in rows if o == op])}")
    for (name, seconds, line), step in zip(done, imports, strict=True):
        print(f"A {name} of {step.claims:,} claims: {seconds:.1f}s "
              f"({step.claims / seconds:,.0f} claims/s) - {line}")
    print(a_outcome(a.client_id))
    print(waits.line(), flush=True)
    print(load(), flush=True)
    during = [ms for number, _, ms in samples if 1 <= number <= len(imports)]
    print(f"B during A's imports, as measured: {stats(during)} ms over {len(during)} ops")
    figures.cross = corrected(during)
    figures.shared_waits += len(waits.shared)


def scaling(args: argparse.Namespace, tenants: list[Desk], figures: Figures) -> None:
    print(f"scaling: each process works its own client, claim read + Get next + record "
          f"action for {args.seconds:g}s:", flush=True)
    for level in args.levels:
        with processes() as pool:
            barrier = ctx.Barrier(level + 1)
            sampler = pool.start("tenants-sampler", sample_locks, pool.stop)
            workers = [pool.start(f"tenant-{t.client_id}", work, t, barrier, args.seconds)
                       for t in tenants[:level]]
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=300)  # broken: a worker failed; its result says why
            results = [w.result(timeout=args.seconds + 600) for w in workers]
            pool.stop.set()
            waits: LockWaits = sampler.result(timeout=60)
        ops = sum(r[0] for r in results)
        latencies = [ms for r in results for ms in r[2]]
        elapsed = max(r[1] for r in results)
        print(f"  {level:2} processes: {ops / elapsed:7.1f} audited ops/s ({ops} ops) "
              f"{stats(latencies)} ms; {len(waits.shared)} shared-lock waits, at most "
              f"{waits.most_at_once} waiting at once; {load()}", flush=True)
        if waits.on:
            print(f"     {waits.line()}", flush=True)
        figures.shared_waits += len(waits.shared)


def run(tmp: Path, args: argparse.Namespace) -> None:
    vendor = setup_django(tmp)
    if vendor != "postgresql":
        print(f"bench/tenants.py needs PostgreSQL (got {vendor})", file=sys.stderr)
        raise SystemExit(2)
    from rcmdesk.audit.context import acting

    count = max(args.levels)
    print(f"tenants bench on {vendor}: A ingests an 835, a new and a replacement 837 of "
          f"{args.claims:,} claims while B works; then 1..{count} clients at once", flush=True)
    print(TARGETS, flush=True)
    print(f"code measured: {code()}; {load()}", flush=True)
    start = time.perf_counter()
    with acting(None, channel="cli:bench"):
        tenants = [make_tenant(f"t{n:02d}", args.tenant_claims, args.items, seed=n)
                   for n in range(1, count + 1)]
        a = make_desk("acme", 1)
        setup, imports = a_files(tmp, args.claims)
        print(f"set-up: {count} clients of {args.tenant_claims} claims and {args.items} items "
              f"in {time.perf_counter() - start:.1f}s", flush=True)
        start = time.perf_counter()
        ingest(a.client_id, setup)
    print(f"set-up: A's first 837 of {args.claims:,} claims in "
          f"{time.perf_counter() - start:.1f}s", flush=True)
    for module in WARM:  # imported once here, not by every forked process on the clock
        importlib.import_module(module)
    figures = Figures()
    cross_tenant(args, a, tenants[0], imports, figures)
    scaling(args, tenants, figures)
    cross = figures.cross
    print(f"cross_tenant_p99_ms={percentile(cross, 99):.1f} "
          f"cross_tenant_max_ms={max(cross, default=0.0):.1f} "
          f"shared_lock_waits={figures.shared_waits}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000, help="claims in each of A's files")
    parser.add_argument("--levels", type=lambda s: [int(n) for n in s.split(",")],
                        default=[1, 2, 4, 8, 16, 32], help="processes (clients) per level")
    parser.add_argument("--seconds", type=float, default=10.0, help="per scaling level")
    parser.add_argument("--idle", type=float, default=5.0, help="B alone before A starts")
    parser.add_argument("--tenant-claims", type=int, default=50, help="claims per other client")
    parser.add_argument("--items", type=int, default=20, help="open work items per client")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench/tenants.py measures PostgreSQL's locks: run it as "
              "scripts/with-postgres python bench/tenants.py", file=sys.stderr)
        raise SystemExit(2)
    os.environ["RCMDESK_CONN_MAX_AGE"] = "0"
    with tempfile.TemporaryDirectory(prefix="tenants-bench-") as tmp:
        try:
            run(Path(tmp), args)
        except BenchFailure as exc:
            print(f"tenants bench FAILED: {exc}", file=sys.stderr)
            raise SystemExit(1) from None


if __name__ == "__main__":
    main()
