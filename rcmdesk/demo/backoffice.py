"""The demo's living back office: six months of synthetic claims, payer responses and their
posting, as they arrived.

For each demo client with a feed, ``rcmdesk.synth`` writes a deterministic run of 837s
and what came back (999, 277CA, 835) into a temporary directory: about two billing days a
week over the six months up to the demo's today (``services.built_on``: the day the demo was
first built, so a run next month rebuilds the same books instead of a second set). Files go
through ``rcmdesk.intake.services.ingest`` exactly as ``rcmdesk ingest`` would send them, day
by day in the order they are dated, and what each day wrote is moved back to that day
(``clock.backdated``): claims are created on their billing day, remits on their payment day,
so A/R ages from young to a tail past 90 and 120 days and every week of the KPI trend has its
own charges, payments and denials. 835s dated after today have not arrived yet: those claims
are the young, unpaid A/R. Each billing batch passes the scrubber on its day (the clean-claim
rate), and the queues are refreshed weekly over the last two months (the capacity planner's
arrivals), then today, as the nightly refresh would.

The first 837 of each feed is held back, as if billed from the client's old system
before we mirrored it: the 835s for those claims find no claim and become "unmatched"
posting exceptions, which is what a work queue needs to show. The same seed and today give
the same bytes, so a second run finds every file already received and enters no day.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rcmdesk.claims.models import Claim
from rcmdesk.demo.clock import moment, stopped_at
from rcmdesk.demo.services import built_on
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.services import ALREADY, ingest
from rcmdesk.remits.models import PostingException, RemitClaim, Remittance
from rcmdesk.scrubber.services import scrub
from rcmdesk.synth import generate
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import WorkItem
from rcmdesk.workqueue.producers import sync_client

DEFAULT_CLAIMS = 400  # per client: posting runs ~20-30 claims/s on SQLite today
INGEST_ORDER = ("837", "999", "277ca", "835")  # claims before what answers them
HELD_BACK = 1  # leading 837 files never sent to us: their remits are exceptions
BILLING_DAYS = (182, 0)  # the first and last billing day, in days before the demo's today
BATCHES = 52  # billing days in those six months: a small practice bills twice a week
REFRESH_DAYS = 63  # weekly queue refreshes over the planner's 8-week history, and a week
FILE_HOUR = 7  # files arrive early in the client's morning; the day's work starts at 9


@dataclass(frozen=True)
class Feed:
    """One client's synthetic billing: the seed names the practices, payers and patients."""

    client: str
    seed: int


FEEDS = (Feed("acme", 1101), Feed("birch", 2202))


@dataclass(frozen=True)
class BackOffice:
    """What the demo clients' books hold after a run, and what this run sent in."""

    claims: int
    remits: int
    posted: int
    denied: int
    exceptions: int
    files: Counter[str]
    items: int = 0  # active work items

    def line(self) -> str:
        files = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.files.items()))
        return (f"demo back office: {self.claims} claims, {self.remits} remits, "
                f"{self.posted} posted ({self.denied} denied), {self.exceptions} exceptions "
                f"(files: {files or 'none'}), {self.items} open work items")


def build_backoffice(claims: int = DEFAULT_CLAIMS, feeds: tuple[Feed, ...] = FEEDS,
                     progress: Callable[[str], None] | None = None) -> BackOffice:
    """Generate and ingest every feed; idempotent (repeats come back "already ingested")."""
    files: Counter[str] = Counter()
    orgs = [Organization.objects.get(slug=feed.client, kind="client") for feed in feeds]
    for org, feed in zip(orgs, feeds, strict=True):
        today = built_on(org)
        with tempfile.TemporaryDirectory(prefix="rcmdesk-demo-") as tmp:
            generate(Path(tmp), seed=feed.seed, claims=claims, anchor=today,
                     billing_days=BILLING_DAYS, batches=BATCHES, payer_lags=True)
            for day, paths in itertools.groupby(dated_files(Path(tmp), today),
                                                key=lambda dated: dated[0]):
                files.update(_ingest_day(org, day, [path for _day, path in paths], today))
        sync_client(org, org.today())
        if progress is not None:
            progress(feed.client)
    return tally(orgs, files)


def _ingest_day(org: Organization, day: date, paths: list[Path], today: date) -> Counter[str]:
    """One day's files, received that morning: new ones applied, their new claims scrubbed
    (the clean-claim rate), and the queues refreshed once a week near the end."""
    outcomes: Counter[str] = Counter()
    contents = [(path, path.read_bytes()) for path in paths]
    seen = set(ReceivedFile.objects.filter(client=org, sha256__in=[
        hashlib.sha256(data).hexdigest() for _path, data in contents]).values_list(
            "sha256", flat=True))
    if len(seen) == len(contents):
        outcomes[ALREADY] += len(contents)
        return outcomes
    with stopped_at(moment(day, org.time_zone, FILE_HOUR)):
        last_claim = Claim.objects.filter(client=org).order_by("-pk").values_list(
            "pk", flat=True).first() or 0
        for path, data in contents:
            outcomes[ingest(org, data, path.name, channel="cli").outcome] += 1
        new_claims = list(Claim.objects.filter(client=org, pk__gt=last_claim).order_by("pk"))
        if new_claims:
            scrub(org, new_claims, acting_user=None, today=day, purpose="billing batch")
        if day.weekday() == 0 and (today - day).days <= REFRESH_DAYS:
            sync_client(org, day)
    return outcomes


def feed_files(root: Path) -> Iterator[Path]:
    """The files to send, kind by kind, each kind in the order the generator wrote it."""
    for kind in INGEST_ORDER:
        paths = sorted((root / kind).glob("*.x12"), key=interchange_number)
        yield from paths[HELD_BACK:] if kind == "837" else paths


def dated_files(root: Path, today: date) -> Iterator[tuple[date, Path]]:
    """``feed_files`` with the day each is dated, in date order and on one day claims before
    what answers them; what is dated after ``today`` has not arrived yet."""
    ranked = [(interchange_date(path), INGEST_ORDER.index(path.parent.name), n, path)
              for n, path in enumerate(feed_files(root))]
    for day, _kind, _n, path in sorted(row for row in ranked if row[0] <= today):
        yield day, path


def _isa(path: Path) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(106).decode("ascii", "replace")
    return head.split(head[3:4]) if len(head) > 3 else []


def interchange_number(path: Path) -> tuple[int, str]:
    """ISA13: one counter per synth run, so it is the order the files were written in."""
    elements = _isa(path)
    control = elements[13].strip() if len(elements) > 13 else ""
    return (int(control) if control.isdigit() else 0, path.name)


def interchange_date(path: Path) -> date:
    """ISA09 (YYMMDD): the day the sender made the file, so the day it reached us."""
    text = _isa(path)[9]
    return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def tally(orgs: list[Organization], files: Counter[str]) -> BackOffice:
    remit_claims = RemitClaim.objects.filter(remittance__client__in=orgs)
    return BackOffice(
        claims=Claim.objects.filter(client__in=orgs).count(),
        remits=Remittance.objects.filter(client__in=orgs).count(),
        posted=remit_claims.filter(outcome__in=("posted", "denied")).count(),
        denied=remit_claims.filter(outcome="denied").count(),
        exceptions=PostingException.objects.filter(client__in=orgs).count(),
        files=files,
        items=WorkItem.objects.active().filter(client__in=orgs).count(),
    )
