"""The clearinghouse: takes what clients upload, answers it, and delivers answers when due.

``Clearinghouse.process(now)`` does all the work due at ``now`` and nothing else, so a test
with its own clock can drive seven simulated days in a second. A simulated day may also be
shorter than a real one (``day``): the command line runs on the real clock with a day of a
minute, so the 835 "four days later" comes four minutes later, dated four days on (as an
EFT effective date may be), while every envelope carries the real instant it was sent, so
the product never sees a file from the far future however long the demo runs. Answers are
made when a file is taken (a seed and the same uploads give the same bytes) and kept, with
their due instants, under the state directory until delivered: a restart loses nothing.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import random
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from rcmdesk.sim import faults, payers, users
from rcmdesk.sim.store import read_json, write_json
from rcmdesk.synth.files import Controls
from rcmdesk.synth.world import Payer
from rcmdesk.x12 import t278, t837
from rcmdesk.x12.ack import acknowledge
from rcmdesk.x12.errors import X12Error
from rcmdesk.x12.parser import Transaction, transactions
from rcmdesk.x12.writer import Envelope, TransactionBody, write_interchange
from rcmdesk.x12.writers import build_278, build_835, build_999

LEDGER_FILE = "ledger.json"
# The simulator's own sender id and number ranges, apart from the synthetic generator's
# (SYNTHCH, traces and payer claim numbers from 1): the demo's history was made by the
# generator, and a receiver rightly refuses a second interchange under a sender and control
# number it has seen, so answers must never reuse the history's.
SENDER_ID = "RCMDESKSIM"
FIRST_TRACE, FIRST_ICN = 700_000_000, 70_000_000_000
ERRORS_FILE = "errors.log"  # files the simulator could not fully answer, with the reason
OUTBOX = "outbox"  # answers made but not yet due, one file each
# A 277CA follows the 999 after the claims went through the front-door edits.
FRONT_DOOR = timedelta(minutes=30)  # of a simulated day, as every delay here
# A utilization-management reviewer answers a 278 request within the simulated hour.
REVIEW = timedelta(hours=1)
# Names a client's uploader gives a file it is still writing; never taken.
INCOMPLETE_SUFFIXES = (".part", ".tmp", ".filepart")

Clock = Callable[[], datetime]
DAY = timedelta(days=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Pending:
    """An answer waiting for its due instant; its bytes are ``<state_dir>/outbox/<blob>``."""

    due: str  # ISO instant
    user: str
    name: str
    kind: str
    blob: str


@dataclass(frozen=True, slots=True)
class Processed:
    """What one ``process`` call did: files taken and answers delivered (by name)."""

    taken: tuple[str, ...]
    delivered: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Header:
    """The fixed-width ISA of a received file, read without trusting the rest of it."""

    sender_qualifier: str
    sender: str
    control: str
    date: str
    time: str
    usage: str
    ack_requested: bool  # ISA14 "1": the sender asks for a TA1 whatever the outcome


def isa_header(data: bytes) -> Header | None:
    """ISA05/06/09/10/13/14/15 of ``data``, or None when it does not start with an ISA."""
    if len(data) < 106 or not data.startswith(b"ISA"):
        return None
    parts = data[:105].decode("latin-1").split(chr(data[3]))
    if len(parts) != 17:
        return None
    return Header(parts[5].strip(), parts[6].strip(), parts[13].strip(), parts[9], parts[10],
                  parts[15].strip() or "P", parts[14].strip() == "1")


class Receiving:
    """Files the SFTP server has open for writing: not taken until closed, whatever their
    name (a client that uploads straight to the final name is still safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[Path] = set()

    def add(self, path: Path) -> None:
        with self._lock:
            self._paths.add(path.resolve())

    def discard(self, path: Path) -> None:
        with self._lock:
            self._paths.discard(path.resolve())

    def __contains__(self, path: object) -> bool:
        with self._lock:
            return isinstance(path, Path) and path.resolve() in self._paths


def complete(path: Path) -> bool:
    """Whether a file in the inbound folder is finished by the upload convention."""
    name = path.name
    return path.is_file() and not name.startswith(".") and not name.endswith(
        INCOMPLETE_SUFFIXES)


def inquiries() -> ModuleType | None:
    """``rcmdesk.sim.inquiries`` (answer_270, answer_276, written beside this module), or
    None while it does not exist: 270/276 batches then get their 999 only."""
    try:
        return importlib.import_module("rcmdesk.sim.inquiries")
    except ModuleNotFoundError:
        return None


class Clearinghouse:
    """One simulated clearinghouse over the mailboxes under ``state_dir``."""

    def __init__(self, state_dir: Path, *, seed: int = 1, clock: Clock = utc_now,
                 day: timedelta = DAY, receiving: Receiving | None = None) -> None:
        """``day``: how long a simulated day lasts on ``clock`` (a real day by default)."""
        self.state_dir = Path(state_dir)
        self.seed = seed
        self.clock = clock
        self.day = day
        self.receiving = receiving or Receiving()
        self.payers = payers.synthetic_payers(seed)
        (self.state_dir / OUTBOX).mkdir(parents=True, exist_ok=True)

    # -- the ledger: control counters and pending answers ---------------------------

    def _ledger(self) -> dict[str, Any]:
        return dict(read_json(self.state_dir / LEDGER_FILE,
                              {"interchange": 0, "trace": FIRST_TRACE, "icn": FIRST_ICN,
                               "pending": []}))

    def pending(self) -> list[Pending]:
        """Answers made and not yet delivered, soonest first."""
        return sorted((Pending(**p) for p in self._ledger()["pending"]),
                      key=lambda p: (p.due, p.blob))

    # -- the work --------------------------------------------------------------------

    def process(self, now: datetime | None = None) -> Processed:
        """Take every complete upload, then deliver every answer due at ``now``."""
        now = now or self.clock()
        taken = [self._take(user, path, now) for user, path in self._uploads()]
        return Processed(tuple(taken), tuple(self._deliver(now)))

    def _uploads(self) -> list[tuple[str, Path]]:
        homes = self.state_dir / users.HOMES
        found: list[tuple[str, Path]] = []
        for home in sorted(homes.iterdir()) if homes.is_dir() else ():
            inbound = home / users.INBOUND
            for path in sorted(inbound.iterdir()) if inbound.is_dir() else ():
                if complete(path) and path not in self.receiving:
                    found.append((home.name, path))
        return found

    def _take(self, user: str, path: Path, now: datetime) -> str:
        """Answer one upload; the answers are recorded before the upload is archived."""
        data = path.read_bytes()
        ledger = self._ledger()
        controls = Controls()
        controls.interchange, controls.trace, controls.icn = (
            ledger["interchange"], ledger["trace"], ledger["icn"])
        rng = random.Random(f"rcmdesk-sim-{self.seed}-{hashlib.sha256(data).hexdigest()}")
        answers = Answers(controls, now, Path(path.name).stem, self.state_dir, self.day)
        try:
            answers.respond(data, rng, self.payers)
        except Exception:  # one odd file must not stop the clearinghouse
            # What was made (the 999 at least) still goes out; the rest is for a person.
            with (self.state_dir / ERRORS_FILE).open("a", encoding="utf-8") as log:
                log.write(f"{now.isoformat()} {user}/{path.name}:\n{traceback.format_exc()}")
        for item in answers.made:
            blob = f"{item.name}.{hashlib.sha256(item.data).hexdigest()[:12]}"
            (self.state_dir / OUTBOX / blob).write_bytes(item.data)
            ledger["pending"].append(asdict(Pending(item.due.isoformat(), user, item.name,
                                                    item.kind, blob)))
        ledger.update(interchange=controls.interchange, trace=controls.trace,
                      icn=controls.icn)
        write_json(self.state_dir / LEDGER_FILE, ledger)
        os.replace(path, _archived(path, now))
        return path.name

    def _deliver(self, now: datetime) -> list[str]:
        ledger = self._ledger()
        due = [Pending(**p) for p in ledger["pending"]
               if datetime.fromisoformat(p["due"]) <= now]
        due.sort(key=lambda p: (p.due, p.blob))
        delivered: list[str] = []
        for item in due:
            blob = self.state_dir / OUTBOX / item.blob
            delivered.extend(self._drop_off(item, blob.read_bytes()))
            ledger["pending"].remove(asdict(item))
            write_json(self.state_dir / LEDGER_FILE, ledger)
            blob.unlink()
        return delivered

    def _drop_off(self, item: Pending, data: bytes) -> list[str]:
        """Write an answer into the user's outbound folder (complete or not at all), with
        the malformed and duplicate faults applied when armed."""
        outbound = users.home(self.state_dir, item.user) / users.OUTBOUND
        outbound.mkdir(parents=True, exist_ok=True)
        if faults.take_count(self.state_dir, "malformed_next"):
            data = data[: len(data) // 2]
        names = [item.name]
        if faults.take_count(self.state_dir, "duplicate_next"):
            stem, dot, suffix = item.name.rpartition(".")
            names.append(f"{stem}-again{dot}{suffix}")
        for name in names:
            partial = outbound / f".{name}.part"
            partial.write_bytes(data)
            os.replace(partial, outbound / name)
        return names


def _archived(path: Path, now: datetime) -> Path:
    """Where a taken upload is kept: archive/<instant>-<name>, never over an earlier one
    (a client may send the same name twice in a second)."""
    folder = path.parent.parent / users.ARCHIVE
    target = folder / f"{now:%Y%m%dT%H%M%S}-{path.name}"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{now:%Y%m%dT%H%M%S}-{number}-{path.name}"
    return target


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str
    name: str
    data: bytes
    due: datetime


class Answers:
    """The answers to one received file, with their control numbers and due instants."""

    def __init__(self, controls: Controls, now: datetime, stem: str, state_dir: Path,
                 day: timedelta = DAY) -> None:
        self.controls = controls
        self.now = now
        self.scale = day / DAY  # simulated delays to the clock's time
        self.stem = stem
        self.state_dir = state_dir
        self.made: list[Answer] = []
        self.header: Header | None = None

    def respond(self, data: bytes, rng: random.Random, known: Sequence[Payer]) -> None:
        """999 (or a rejecting TA1 when the interchange is broken; an accepting one too
        when ISA14 asks for it), then per set its own answers."""
        self.header = isa_header(data)
        if self.header is None:
            return  # no ISA: nobody to address an answer to
        try:
            sets = list(transactions(data))
            acks = list(acknowledge(data))
        except X12Error:
            self._ta1("022")
            return
        if not acks:
            self._ta1("024")
            return
        if self.header.ack_requested:
            self._ta1("000", status="A")
        late = faults.take_count(self.state_dir, "late_999_next")
        delay = timedelta(hours=faults.Faults.load(self.state_dir).late_999_hours) if late \
            else timedelta(0)
        bodies = [build_999(replace(ack, control=f"{n:04d}")) for n, ack in enumerate(acks, 1)]
        self._add("999", bodies, self._after(delay))
        accepted = {(a.group_control, s.control) for a in acks for s in a.sets
                    if s.status in ("A", "E")}
        for tx in sets:
            if (tx.group.control, tx.control) in accepted:
                self._answer_set(tx, data, rng, known)

    def _answer_set(self, tx: Transaction, data: bytes, rng: random.Random,
                    known: Sequence[Payer]) -> None:
        if tx.set_id == "837":
            decisions = payers.decide(t837.submission(tx), rng=rng, payers=known,
                                      controls=self.controls, today=self.now.date())
            if decisions.acknowledgment is not None:
                self._add("277CA", [decisions.acknowledgment], self._after(FRONT_DOOR))
            for remit in decisions.remits:
                due = self._after(timedelta(days=remit.days))
                self._add("835", [build_835(remit.remittance)], due)
        elif tx.set_id in ("270", "276"):
            self._inquiry(tx.set_id, data)
        elif tx.set_id == "278":
            request = t278.services_review(tx)
            if not request.response:
                due = self._after(REVIEW)
                body = build_278(payers.review_278(request, rng), date=due.strftime("%Y%m%d"),
                                 time=due.strftime("%H%M"))
                self._add("278", [body], due)

    def _after(self, simulated: timedelta) -> datetime:
        """The instant on the clock that is ``simulated`` simulated time from now."""
        return self.now + simulated * self.scale

    def _inquiry(self, set_id: str, data: bytes) -> None:
        """271/277 from the real-time engine's answer functions (once per file)."""
        module = inquiries()
        kind = {"270": "271", "276": "277"}[set_id]
        if module is None or any(a.kind == kind for a in self.made):
            return
        answer: bytes = getattr(module, f"answer_{set_id}")(data, now=self.now)
        self._keep(kind, answer, self.now)

    def _envelope(self, when: datetime) -> Envelope:
        assert self.header is not None
        envelope = self.controls.envelope(SENDER_ID, self.header.sender,
                                          when.strftime("%Y%m%d"))
        return replace(envelope, time=when.strftime("%H%M"), usage=self.header.usage,
                       receiver_qualifier=self.header.sender_qualifier or "ZZ")

    def _add(self, kind: str, bodies: Sequence[TransactionBody], due: datetime) -> None:
        self._keep(kind, write_interchange(bodies, self._envelope(due)), due)

    def _keep(self, kind: str, data: bytes, due: datetime) -> None:
        control = self.controls.interchange
        self.made.append(Answer(kind, f"{kind}_{control:09d}_{self.stem}.x12", data, due))

    def _ta1(self, note: str, status: str = "R") -> None:
        """A TA1 on the interchange (TA104 ``status``, TA105 ``note``): ISA, TA1, IEA with
        no functional group."""
        assert self.header is not None
        empty = write_interchange([], self._envelope(self.now)).decode("utf-8")
        isa, _, iea = empty.partition("\n")
        h = self.header
        ta1 = f"TA1*{h.control}*{h.date}*{h.time}*{status}*{note}~\n"
        self._keep("TA1", (isa + "\n" + ta1 + iea).encode("utf-8"), self.now)
