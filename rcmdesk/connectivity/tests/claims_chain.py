"""One client wired to the clearinghouse simulator, for the end-to-end tests.

Not tests: a fixture module, as ``simulated`` is. A test module imports ``Chain``, the
``chain`` fixture's function ``wired_chain`` and ``simulated.running_simulator`` (the
``sim_mailbox`` it stands on), both with ``# noqa: F401``, and drives the product's own
steps at the simulator's clock: ``submit`` (the 837 written, its transmission queued when
the submission commits), ``send`` (``outbound.send_due``), ``answer`` (the simulator takes
uploads and delivers what is due), ``poll``/``fetch`` (``inbound.poll``, intake processing
what it took at once) and ``stages`` (each claim's stage as the batch page shows it).
Intake's task runs in-process (the immediate backend) when the poll's transaction commits,
as the worker would run it a moment later.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.connectivity import inbound, outbound
from rcmdesk.connectivity.models import Connection, Transmission
from rcmdesk.connectivity.tests.simulated import SimMailbox
from rcmdesk.sim import faults, users
from rcmdesk.sim.clearinghouse import ERRORS_FILE
from rcmdesk.submission import services, states
from rcmdesk.submission.models import BatchClaim, SubmissionBatch
from rcmdesk.submission.tests.factories import draft_claim
from rcmdesk.tenancy.roles import Role

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default", "ingest", "reports"]}}
ANSWERED = {states.ClaimStage.ACCEPTED_277CA, states.ClaimStage.REJECTED_277CA}
SETTLED = {states.ClaimStage.PAID, states.ClaimStage.DENIED, states.ClaimStage.REJECTED_277CA}

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@dataclass
class Chain:
    """One client wired to the simulator: what a test does, in the order the product does
    it, each step at the simulator's clock (the product's ``now`` is the simulator's)."""

    world: World
    sim: SimMailbox
    connection: Connection
    after_commit: Capture

    @property
    def now(self) -> datetime:
        return self.sim.clock.now

    def submit(self, count: int, prefix: str = "E2E") -> SubmissionBatch:
        """``count`` ready claims submitted in one 837P, its transmission queued on commit."""
        for n in range(count):
            draft_claim(self.world.acme, f"{prefix}{n:05d}")
        with self.after_commit(execute=True):
            [batch] = services.submit(self.world.acme,
                                      acting_user=self.world.user(Role.CLIENT_STAFF),
                                      today=self.world.acme.today(self.now))
        return batch

    def send(self) -> list[Transmission]:
        """A minute on, the worker's send: every due transmission uploaded."""
        self.sim.clock.advance(minutes=1)
        return outbound.send_due(self.world.acme, now=self.now)

    def answer(self, **advance: float) -> None:
        """The clearinghouse's turn: take the uploads a minute on (their 999s come at once),
        then deliver what is due ``advance`` later (the 277CA half an hour on, 835s days)."""
        self.sim.process(minutes=1)
        if advance:
            self.sim.process(**advance)
        assert not (self.sim.state_dir / ERRORS_FILE).exists(), \
            (self.sim.state_dir / ERRORS_FILE).read_text()

    def poll(self) -> inbound.PollResult:
        """One mailbox poll a minute on, intake processing what it took at once."""
        self.sim.clock.advance(minutes=1)
        with self.after_commit(execute=True):
            return inbound.poll(self.connection, now=self.now)

    def fetch(self, most: int = 4) -> list[inbound.PollResult]:
        """Polls until nothing is waiting (a file is taken once a second poll sees it whole),
        ``most`` at the most: a file never taken fails the test instead of hanging it."""
        results = [self.poll()]
        while results[-1].waiting or results[-1].failed:
            assert len(results) < most, [r.as_dict() for r in results]
            results.append(self.poll())
        return results

    def uploads(self) -> list[str]:
        """Every name in the mailbox's upload folder, hidden partial uploads included."""
        folder = users.home(self.sim.state_dir, self.connection.username) / users.INBOUND
        return sorted(p.name for p in folder.iterdir())

    def fault(self, **armed: Any) -> None:
        """Arm one of the simulator's faults for what comes next."""
        faults.inject(self.sim.state_dir, **armed)

    def stages(self, batch: SubmissionBatch) -> dict[str, states.ClaimStage]:
        """Each claim's stage as the batch page shows it, by patient control number."""
        entries = list(BatchClaim.objects.filter(batch=batch).select_related("claim"))
        found = states.rows(batch, entries, states.sending(batch))
        return {r.entry.claim.patient_control_number: r.stage for r in found}


@pytest.fixture(name="chain")
def wired_chain(world: World, sim_mailbox: SimMailbox, settings: Any,
          django_capture_on_commit_callbacks: Capture) -> Chain:
    settings.TASKS = IMMEDIATE
    sim_mailbox.clock.advance(minutes=1)  # the product's rows are stamped a little later
    return Chain(world, sim_mailbox, sim_mailbox.connection_for(world.acme),
                 django_capture_on_commit_callbacks)


