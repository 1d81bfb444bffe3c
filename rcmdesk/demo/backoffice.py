"""The demo's living back office: synthetic claims, payer responses and their posting.

For each demo client with a feed, ``rcmdesk.synth`` writes a deterministic run of 837s
and what came back (999, 277CA, 835) into a temporary directory, and every file goes
through ``rcmdesk.intake.services.ingest`` exactly as ``rcmdesk ingest`` would send it.
The same seed and anchor give the same bytes, so a second run finds every file
"already ingested" and posts nothing twice.

The first 837 of each feed is held back, as if billed from the client's old system
before we mirrored it: the 835s for those claims find no claim and become "unmatched"
posting exceptions, which is what a work queue needs to show. After ingesting, every
client's queues are refreshed (``sync_client``) so the workbench opens with AR follow-up,
denial and exception items, as it would after the nightly refresh.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rcmdesk.claims.models import Claim
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import PostingException, RemitClaim, Remittance
from rcmdesk.synth import DEFAULT_ANCHOR, generate
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import WorkItem
from rcmdesk.workqueue.producers import sync_client

DEFAULT_CLAIMS = 400  # per client: posting runs ~20-30 claims/s on SQLite today
INGEST_ORDER = ("837", "999", "277ca", "835")  # claims before what answers them
HELD_BACK = 1  # leading 837 files never sent to us: their remits are exceptions


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
        with tempfile.TemporaryDirectory(prefix="rcmdesk-demo-") as tmp:
            generate(Path(tmp), seed=feed.seed, claims=claims, anchor=DEFAULT_ANCHOR)
            for path in feed_files(Path(tmp)):
                files[ingest(org, path.read_bytes(), path.name, channel="cli").outcome] += 1
        sync_client(org, org.today())
        if progress is not None:
            progress(feed.client)
    return tally(orgs, files)


def feed_files(root: Path) -> Iterator[Path]:
    """The files to send, kind by kind, each kind in the order the generator wrote it."""
    for kind in INGEST_ORDER:
        paths = sorted((root / kind).glob("*.x12"), key=interchange_number)
        yield from paths[HELD_BACK:] if kind == "837" else paths


def interchange_number(path: Path) -> tuple[int, str]:
    """ISA13: one counter per synth run, so it is the order the files were written in."""
    with path.open("rb") as handle:
        head = handle.read(106).decode("ascii", "replace")
    elements = head.split(head[3:4]) if len(head) > 3 else []
    control = elements[13].strip() if len(elements) > 13 else ""
    return (int(control) if control.isdigit() else 0, path.name)


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
