"""Benchmark 835 auto-posting: ingest + post one big 835 into the current database.

Generates (deterministically) an 837P and the 835 that pays it, both with N claims of
two service lines each, built from the same claim list so that every remit claim
matches a mirrored claim by CLP01/REF*6R and never pays more than is open. Then:

  (a) setup, timed on its own: ingest the 837 (claims, lines and their charges);
  (b) the measurement: ``rcmdesk.intake.services.ingest`` of the 835, which stores,
      checks, parses and posts it to the double-entry ledger in one run;
  (c) on the same file in the same run, parse-only: ``t835.iter_claims`` (best of 3);
  (d) the same 837 and 835 again for a second client whose payer has a contract (a fee
      row for every procedure code the bench bills, ``FEES``), loaded before its 837 so
      the claims get their expected amounts: posting with contracts against (b).

Every line is priced from ``FEES``: the 835 allows the contract fee (the charge is always
above it), one line in a hundred is allowed 15% less (an underpayment), one claim in
twenty is denied; so both clients post the very same amounts. Each measured interval is
``ingest`` of the 835 end to end: store, check, parse, post (one transaction per set),
commit, then the receivers of intake's ``file_applied``, which ``ingest`` sends itself
once the sets are committed (work items, paid appeals, and the contracts' variances and
recoupments): so the contract work after posting is inside the figure.

The last line is ``posting_claims_per_s=X ratio_vs_parse=Y ingest837_new_claims_per_s=Z
ingest837_replacement_claims_per_s=W posting_with_contracts_claims_per_s=C
contracts_ratio=R contracts_cpu_ratio=P`` (targets: >= 5,000 claims/s on PostgreSQL for
the 835 and both 837s, posting >= 0.3x the parse-only rate, R = C / X >= 0.9; P is the
same ratio by this process's CPU time, steadier than the wall clock on a shared machine but
without the database server's work on PostgreSQL). Django is set up here, with a
throwaway RCMDESK_VAR_DIR (so a throwaway SQLite database) under a temporary directory
and ``migrate``; DATABASE_URL, when set, wins, which is how PostgreSQL is measured:

Usage: python bench/posting.py [--claims 20000] [--profile 30] [--contracts-first]
       scripts/with-postgres python bench/posting.py [--claims 20000]
``--profile N`` runs (b) under cProfile and prints its N hottest functions (by own time
and by cumulative time) after the lines; the posting rate is then the profiled one
(``--profile-contracts N``: the same for (d)). The two clients share one database, the
second finding the first's rows in the tables: ``--contracts-first`` swaps the order, to
see how much of the ratio that is.
The synthetic-data generator has its own benchmark: bench/synth.py.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import loadavg_figures, setup_django

ISA = (
    "ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}"
    "*260101*1200*^*00501*{control:09d}*0*T*:~\n"
)
CLINIC_NPI = "1234567893"
DATE = "20251215"
PAYER_ID, PAYER_NAME = "BENCHPAYER", "BENCH PAYER"  # the 837's NM1*PR
CODES = range(99201, 99500)  # the procedure codes the bench bills
# The bench payer's fee per code, in cents ($40.00 to $439.99): what its 835 allows.
FEES = {str(code): 4000 + code * 7919 % 40000 for code in CODES}
FEES_FROM = date(2025, 1, 1)  # before every date of service (DATE)


@dataclass(frozen=True)
class Line:
    procedure: str
    charge: int  # cents
    paid: int
    contractual: int  # CO-45 (or CO-50 on a denial)
    coinsurance: int  # PR-2


@dataclass(frozen=True)
class BenchClaim:
    pcn: str
    lines: tuple[Line, ...]

    @property
    def charge(self) -> int:
        return sum(ln.charge for ln in self.lines)

    @property
    def paid(self) -> int:
        return sum(ln.paid for ln in self.lines)

    @property
    def coinsurance(self) -> int:
        return sum(ln.coinsurance for ln in self.lines)


def _line(rng: random.Random, n: int) -> Line:
    charge = rng.randint(5000, 90000)
    if n % 20 == 0:  # one claim in twenty is denied outright
        return Line(f"{rng.randint(99201, 99499)}", charge, 0, charge, 0)
    allowed = charge * rng.randint(50, 100) // 100
    coinsurance = allowed // 5 if n % 3 == 0 else 0
    return Line(f"{rng.randint(99201, 99499)}", charge, allowed - coinsurance,
                charge - allowed, coinsurance)


def make_claims(count: int, seed: int = 2026) -> list[BenchClaim]:
    rng = random.Random(seed)
    return [BenchClaim(f"PCN{n:07d}", (_line(rng, n), _line(rng, n)))
            for n in range(1, count + 1)]


def _priced_line(rng: random.Random, n: int, short: bool) -> Line:
    """A line the payer allows at its contract fee (``short``: 15% under it)."""
    procedure = str(rng.choice(CODES))
    fee = FEES[procedure]
    charge = fee * rng.randint(110, 250) // 100  # always above the fee: the fee is allowed
    if n % 20 == 0:  # one claim in twenty is denied outright
        return Line(procedure, charge, 0, charge, 0)
    allowed = fee * 85 // 100 if short else fee
    coinsurance = allowed // 5 if n % 3 == 0 else 0
    return Line(procedure, charge, allowed - coinsurance, charge - allowed, coinsurance)


def make_priced_claims(count: int, seed: int = 2026) -> list[BenchClaim]:
    """Claims of two lines paid at the ``FEES`` contract amounts, the first line of one
    claim in fifty underpaid (1% of the lines; never a denied claim: n is odd)."""
    rng = random.Random(seed)
    return [BenchClaim(f"PCN{n:07d}", (_priced_line(rng, n, n % 50 == 7),
                                       _priced_line(rng, n, False)))
            for n in range(1, count + 1)]


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _interchange(functional: str, version: str, body: list[str], set_id: str,
                 control: int) -> bytes:
    head = [f"GS*{functional}*BENCHSENDER*BENCHRECEIVER*20260101*1200*{control}*X*{version}",
            f"ST*{set_id}*0001" + (f"*{version}" if set_id == "837" else "")]
    segments = head + body
    segments += [f"SE*{len(segments)}*0001", f"GE*1*{control}", f"IEA*1*{control:09d}"]
    isa = ISA.format(sender="BENCHSENDER", receiver="BENCHRECEIVER", control=control)
    return (isa + "~\n".join(segments) + "~\n").encode()


def build_837p(claims: list[BenchClaim], frequency: str = "1", control: int = 1) -> bytes:
    """One 837P set billing every claim (one subscriber each, REF*6R on every line);
    ``frequency`` 7 with a new ``control`` makes it a replacement of the same claims, each
    with the payer's claim number (REF*F8) that the 835 gave it (CLP07, ``build_835``)."""
    body = ["BHT*0019*00*BENCH837*20260101*1200*CH",
            "NM1*41*2*BENCH CLINIC*****46*SUBMITTER1", "PER*IC*HELP*TE*5555551212",
            "NM1*40*2*BENCH PAYER*****46*RECEIVER1", "HL*1**20*1",
            f"NM1*85*2*BENCH CLINIC*****XX*{CLINIC_NPI}", "N3*1 MAIN ST",
            "N4*TOWN*NY*10001", "REF*EI*123456789"]
    for n, claim in enumerate(claims, start=1):
        body += [f"HL*{n + 1}*1*22*0", "SBR*P*18*GRP1******CI",
                 f"NM1*IL*1*PATIENT{n}*ALEX****MI*M{n:08d}", "N3*2 SIDE ST",
                 "N4*TOWN*NY*10001", "DMG*D8*19800101*F",
                 "NM1*PR*2*BENCH PAYER*****PI*BENCHPAYER",
                 f"CLM*{claim.pcn}*{_cents(claim.charge)}***11:B:{frequency}*Y*A*Y*Y"]
        if frequency != "1":  # a replacement names the payer's claim (the 835's CLP07)
            body.append(f"REF*F8*PCC{n:09d}")
        body.append("HI*ABK:J020")
        for number, line in enumerate(claim.lines, start=1):
            body += [f"LX*{number}", f"SV1*HC:{line.procedure}*{_cents(line.charge)}*UN*1***1",
                     f"DTP*472*D8*{DATE}", f"REF*6R*{claim.pcn}L{number}"]
    return _interchange("HC", "005010X222A1", body, "837", control)


def replacement_claims(claims: list[BenchClaim]) -> list[BenchClaim]:
    """The same claims as billed again after the 835 paid them: every other claim's first
    line cut to a tenth (charged below what was settled: a credit balance), one in four
    with its second line raised by $10 (charged again, no credit), the rest unchanged (a
    new version, the same charge)."""
    changed = []
    for n, claim in enumerate(claims, start=1):
        first, second = claim.lines
        if n % 2 == 0:
            first = replace(first, charge=max(first.charge // 10, 1))
        elif n % 4 == 1:
            second = replace(second, charge=second.charge + 1000)
        changed.append(replace(claim, lines=(first, second)))
    return changed


def _svc(claim: BenchClaim, number: int, line: Line) -> list[str]:
    segments = [f"SVC*HC:{line.procedure}*{_cents(line.charge)}*{_cents(line.paid)}**1",
                f"DTM*472*{DATE}"]
    if line.contractual:
        reason = "50" if not line.paid else "45"
        segments.append(f"CAS*CO*{reason}*{_cents(line.contractual)}")
    if line.coinsurance:
        segments.append(f"CAS*PR*2*{_cents(line.coinsurance)}")
    segments.append(f"REF*6R*{claim.pcn}L{number}")
    if line.paid:
        segments.append(f"AMT*B6*{_cents(line.paid)}")
    return segments


def build_835(claims: list[BenchClaim]) -> bytes:
    """One 835 set paying (or denying) every claim of the 837, balanced to the cent."""
    total = sum(c.paid for c in claims)
    body = [f"BPR*I*{_cents(total)}*C*CHK************20260101", "TRN*1*BENCH0001*1512345678",
            "N1*PR*BENCH PAYER", "N3*1 MAIN ST", "N4*TOWN*NY*10001",
            "PER*BL*HELP*TE*5555551212", f"N1*PE*BENCH CLINIC*XX*{CLINIC_NPI}", "LX*1"]
    for n, claim in enumerate(claims, start=1):
        status = "4" if not claim.paid else "1"
        body += [f"CLP*{claim.pcn}*{status}*{_cents(claim.charge)}*{_cents(claim.paid)}*"
                 f"{_cents(claim.coinsurance)}*12*PCC{n:09d}",
                 f"NM1*QC*1*PATIENT{n}*ALEX****MI*M{n:08d}", f"DTM*232*{DATE}"]
        for number, line in enumerate(claim.lines, start=1):
            body += _svc(claim, number, line)
    return _interchange("HP", "005010X221A1", body, "835", 2)




def timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def parse_only(path: Path) -> int:
    from rcmdesk.x12 import t835

    return sum(1 for _ in t835.iter_claims(path))


def ingest_file(client: Any, data: bytes, name: str) -> Any:
    from rcmdesk.intake.services import ingest

    result = ingest(client, data, name, channel="cli")
    if result.outcome != "applied":
        raise SystemExit(f"{name}: {result.line()}")
    return result


def time_post_835() -> list[float]:
    """Seconds spent in ``post_835`` (inside the set's transaction, before its commit): the
    posting itself, apart from intake's storing, validating and parsing of the file. The CPU
    time of this process is given too: on a shared box it moves less than the wall clock
    (on SQLite it includes the database's work; on PostgreSQL the server's is not in it)."""
    import rcmdesk.intake.services as intake

    spent: list[float] = [0.0, 0.0]  # wall, this process's CPU
    post_835 = intake.post_835  # type: ignore[attr-defined]  # what intake calls, patched

    def timed_post(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return post_835(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += time.process_time() - cpu

    intake.post_835 = timed_post  # type: ignore[attr-defined]
    return spent


BREAKDOWN = ("sniff", "check", "post_835", "commit", "file_applied")


def time_steps() -> dict[str, float]:
    """Wall seconds of each step of the 835's ingest apart from ``post_835`` (whose own
    wrapper is ``time_post_835``): sniffing the bytes, checking them (validation and
    parsing: whichever functions intake calls for it), the commit of the set's transaction
    (deferred foreign-key checks) and what runs once the file is committed (the receivers
    of ``file_applied``: work items, paid appeals, contract variances)."""
    from django.db import connection

    import rcmdesk.intake.services

    intake: Any = rcmdesk.intake.services  # its names are replaced by timed ones
    spent = dict.fromkeys(BREAKDOWN, 0.0)

    def timer(step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed_fn(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[step] += time.perf_counter() - start
        return timed_fn

    intake.sniff = _Timed(intake.sniff, "what_is", timer("sniff", intake.sniff.what_is))
    if hasattr(intake, "validate_and_parse"):  # one pass
        intake.validate_and_parse = timer("check", intake.validate_and_parse)
    if hasattr(intake, "validate"):  # (before) two: a generator of findings, then a parse
        validate = intake.validate
        intake.validate = timer("check", lambda *args, **kwargs: iter(list(
            validate(*args, **kwargs))))
        intake.t999 = _Timed(intake.t999, "sets_and_interchange_acks",
                             timer("check", intake.t999.sets_and_interchange_acks))
    connection.commit = timer("commit", connection.commit)  # type: ignore[method-assign]
    intake.file_applied = _Timed(intake.file_applied, "send",
                                 timer("file_applied", intake.file_applied.send))
    return spent


class _Timed:
    """A module or object with one attribute replaced (by its timed version)."""

    def __init__(self, wrapped: Any, name: str, replacement: Callable[..., Any]) -> None:
        self._wrapped, self._name, self._replacement = wrapped, name, replacement

    def __getattr__(self, name: str) -> Any:
        return self._replacement if name == self._name else getattr(self._wrapped, name)


def ingest_837(client: Any, path: Path, label: str, args: argparse.Namespace,
               vendor: str) -> float:
    """Time one 837's ingest end to end (store, validate, parse, mirror, charge, commit);
    print its line and return claims/s. ``--profile-837 LABEL`` runs it under cProfile."""
    n: int = args.claims
    ingest = lambda: ingest_file(client, path.read_bytes(), path.name)  # noqa: E731
    profile = args.profile_837 == label.split()[-1]
    audit = time_claim_events()
    cpu = time.process_time()
    seconds, result = timed(profiled(ingest, args.profile or 30) if profile else ingest)
    cpu = time.process_time() - cpu
    outcome = next(iter(result.file.summary["sets"].values()))  # type: ignore[attr-defined]
    rate = n / seconds
    print(f"{vendor} {label}: ingest of {n:,} claims: {seconds:.2f}s ({rate:,.0f} claims/s"
          f"{', under cProfile' if profile else ''}); created {outcome.get('claims_created')},"
          f" updated {outcome.get('claims_updated')}, charged {outcome.get('charges_posted')};"
          f" of which the per-claim audit events (record_many): {audit[0]:.2f}s for"
          f" {audit[1]:.0f}; CPU {cpu:.2f}s ({n / cpu:,.0f} claims/s, this process only);"
          f" load {' '.join(loadavg_figures())}", flush=True)
    return rate


def time_claim_events() -> list[float]:
    """Seconds spent in claim ingest's ``record_many`` and how many events it wrote: the
    part of a replacement's time that the audit trail's bulk append takes away."""
    import rcmdesk.claims.services as claims

    spent = [0.0, 0.0]
    if not hasattr(claims, "record_many"):  # an older tree, one record() per event
        return spent
    original = getattr(claims.record_many, "__wrapped__",  # type: ignore[attr-defined]
                       claims.record_many)  # type: ignore[attr-defined]

    def timed_record_many(events: Any, **kwargs: Any) -> int:
        start = time.perf_counter()
        try:
            return int(original(events, **kwargs))
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += len(events)

    timed_record_many.__wrapped__ = original  # type: ignore[attr-defined]
    claims.record_many = timed_record_many  # type: ignore[attr-defined]
    return spent




def ingest_837_replacement(client: Any, claims: list[BenchClaim], tmp: Path,
                           args: argparse.Namespace, vendor: str) -> float:
    """A replacement 837 (frequency 7) of the claims the 835 paid; its credit balances,
    new charges and unchanged versions (``replacement_claims``), claims/s."""
    path = tmp / "bench-replacement.837"
    path.write_bytes(build_837p(replacement_claims(claims), frequency="7", control=3))
    return ingest_837(client, path, "837 replacement", args, vendor)


def profiled(fn: Callable[[], object], top: int) -> Callable[[], object]:
    def run() -> object:
        profile = cProfile.Profile()
        result = profile.runcall(fn)
        stats = pstats.Stats(profile, stream=sys.stderr)
        for order in ("tottime", "cumulative"):
            stats.sort_stats(order).print_stats(top)
        return result
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the posting run and print its N hottest functions")
    parser.add_argument("--profile-837", choices=["new", "replacement"], default="",
                        help="profile that 837 ingest instead (--profile N: how many lines)")
    parser.add_argument("--profile-contracts", type=int, default=0, metavar="N",
                        help="profile the posting run with contracts loaded (N functions)")
    parser.add_argument("--contracts-first", action="store_true",
                        help="post the client with contracts first (the database's order)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="posting-bench-") as tmp:
        run(Path(tmp), args)


def load_contract(client: Any) -> float:
    """The bench payer (as the 837 names it) with a contract: one version, a fee row for
    every code in ``FEES``; loaded before the 837 so its claims are priced at ingest.
    Returns the seconds it took."""
    from rcmdesk.claims.models import Payer
    from rcmdesk.contracts.services import RateRow, do_add_version, do_create_contract

    start = time.perf_counter()
    payer = Payer.objects.create(client=client, payer_id=PAYER_ID, name=PAYER_NAME,
                                 kind="commercial")
    contract = do_create_contract(client, payer, name="Bench contract", acting_user=None)
    rows = [RateRow(code, FEES_FROM, amount=Decimal(_cents(fee))) for code, fee in FEES.items()]
    do_add_version(contract, rows, note="the bench fee schedule", source="bench",
                   acting_user=None)
    return time.perf_counter() - start


def time_contracts_receiver() -> list[float]:
    """Seconds spent in the contracts' ``file_applied`` receiver (variances, recoupments):
    it is reconnected, timed, under its own dispatch uid (it stays the last receiver, as
    contracts is the last of them in INSTALLED_APPS). [-1.0] when it is not connected so."""
    from rcmdesk.contracts import receivers
    from rcmdesk.intake.signals import file_applied

    spent = [0.0]

    def timed_receiver(sender: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            receivers.on_file_applied(sender, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    if not file_applied.disconnect(dispatch_uid="contracts.variance"):
        return [-1.0]
    file_applied.connect(timed_receiver, dispatch_uid="contracts.variance", weak=False)
    return spent


@dataclass
class Posting:
    """One client's timed 835 (and the setup before it)."""

    client: Any
    label: str
    new_837: float  # claims/s
    seconds: float = 0.0
    cpu: float = 0.0
    result: Any = None
    post_835: tuple[float, float] = (0.0, 0.0)  # wall, CPU
    steps: dict[str, float] | None = None
    contracts: float = 0.0  # seconds in the contracts' receiver
    load: str = ""  # the load averages as the run ended


def post_once(with_contracts: bool, paths: tuple[Path, Path], args: argparse.Namespace,
              vendor: str, timers: tuple[list[float], dict[str, float], list[float]],
              ) -> Posting:
    """A fresh client (with the contract loaded first, or none), its 837, then its 835
    timed; the step timers are read before and after, so each run has its own figures."""
    from rcmdesk.tenancy.models import Organization

    path_837, path_835 = paths
    spent, steps, contracts = timers
    label = "with contracts" if with_contracts else "no contract"
    client = Organization.objects.create(slug=f"bench-{uuid.uuid4().hex[:8]}",
                                         name=f"Posting bench, {label}", kind="client")
    if with_contracts:
        print(f"{vendor} setup: contract with {len(FEES)} fee rows loaded in "
              f"{load_contract(client):.2f}s", flush=True)
    setup = "setup: 837 with contracts" if with_contracts else "setup: 837 new"
    run = Posting(client, label, ingest_837(client, path_837, setup, args, vendor))
    post = lambda: ingest_file(client, path_835.read_bytes(), path_835.name)  # noqa: E731
    profile = args.profile_contracts if with_contracts else args.profile
    before = (list(spent), dict(steps), contracts[0])
    cpu = time.process_time()
    run.seconds, run.result = timed(profiled(post, profile)
                                    if profile and not args.profile_837 else post)
    run.cpu = time.process_time() - cpu
    run.load = " ".join(loadavg_figures())
    run.post_835 = (spent[0] - before[0][0], spent[1] - before[0][1])
    run.steps = {step: steps[step] - before[1][step] for step in BREAKDOWN}
    run.contracts = contracts[0] - before[2] if contracts[0] >= 0 else -1.0
    return run


def report(run: Posting, n: int, profile: int, vendor: str) -> float:
    """Print one run's lines; returns its posting rate (claims/s)."""
    outcome = next(iter(run.result.file.summary["sets"].values()))
    posting = n / run.seconds
    print(f"{vendor} ingest + post 835 of {n:,} claims, {run.label}: {run.seconds:.2f}s "
          f"({posting:,.0f} claims/s{', under cProfile' if profile else ''}); posted "
          f"{outcome.get('posted')}, denied {outcome.get('denied')}, exceptions "
          f"{outcome.get('exceptions')}; CPU {run.cpu:.2f}s; load {run.load}", flush=True)
    wall, cpu = run.post_835
    print(f"of which post_835: {wall:.2f}s ({n / wall:,.0f} claims/s), "
          f"CPU {cpu:.2f}s ({n / cpu:,.0f} claims/s)")
    steps = dict(run.steps or {}, post_835=wall)
    contracts = (f" (of which the contracts' receiver {run.contracts:.2f}s)"
                 if run.contracts >= 0 else " (the contracts' receiver not timed)")
    print("breakdown: " + ", ".join(f"{step} {steps[step]:.2f}s ({steps[step] / run.seconds:.0%})"
                                    for step in BREAKDOWN)
          + f"{contracts}, other {run.seconds - sum(steps.values()):.2f}s")
    return posting


def run(tmp: Path, args: argparse.Namespace) -> None:
    vendor = setup_django(tmp)
    from rcmdesk.audit.context import acting

    claims = make_priced_claims(args.claims)
    path_837, path_835 = tmp / "bench.837", tmp / "bench.835"
    path_837.write_bytes(build_837p(claims))
    path_835.write_bytes(build_835(claims))
    n = args.claims
    timers = (time_post_835(), time_steps(), time_contracts_receiver())
    runs: dict[bool, Posting] = {}
    with acting(None, channel="cli:bench"):
        for loaded in ((True, False) if args.contracts_first else (False, True)):
            runs[loaded] = post_once(loaded, (path_837, path_835), args, vendor, timers)
        replaced_837 = ingest_837_replacement(runs[False].client, claims, tmp, args, vendor)
    plain, contracted = runs[False], runs[True]
    posting = report(plain, n, args.profile, vendor)
    with_contracts = report(contracted, n, args.profile_contracts, vendor)
    parse = min(timed(lambda: parse_only(path_835))[0] for _ in range(3))
    print(f"parse-only t835.iter_claims: {parse:.2f}s ({n / parse:,.0f} claims/s)")
    print(f"posting_claims_per_s={posting:.0f} ratio_vs_parse={posting / (n / parse):.4f} "
          f"ingest837_new_claims_per_s={plain.new_837:.0f} "
          f"ingest837_replacement_claims_per_s={replaced_837:.0f} "
          f"posting_with_contracts_claims_per_s={with_contracts:.0f} "
          f"contracts_ratio={with_contracts / posting:.4f} "
          f"contracts_cpu_ratio={plain.cpu / contracted.cpu:.4f}")


if __name__ == "__main__":
    main()
