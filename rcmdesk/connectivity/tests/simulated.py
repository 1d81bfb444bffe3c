"""A clearinghouse simulator on a loopback port for connectivity's end-to-end tests.

Not tests: a fixture module. A test module takes it with
``from rcmdesk.connectivity.tests.simulated import running_simulator  # noqa: F401`` and
asks for ``sim_mailbox`` (the fixture's name, so no argument shadows the import): the
simulator's SFTP server on a port the OS picked (port 0), over a fresh state directory, and
a clearinghouse that works only when the test says so, at the test's clock, which starts
now (``sim.process(hours=1)``), so seven simulated days take as long as their work.
``sim.connection_for(client)`` gives the client an SFTP connection to its own mailbox (the
client's slug as login, the password sealed, the host key pinned), as ``rcmdesk demo``
does, so what a test sends goes through the product's own transfer code.

    def test_a_claim_goes_out_and_its_999_comes_back(sim_mailbox):
        connection = sim_mailbox.connection_for(client)
        ... send ...
        sim_mailbox.process(minutes=1)
        assert sim_mailbox.answers("acme") == [...]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from rcmdesk.accounts.models import User
from rcmdesk.conftest import make_user
from rcmdesk.connectivity.models import Connection
from rcmdesk.demo.connectivity import ensure_mailbox, mailbox_passwords
from rcmdesk.sim import users
from rcmdesk.sim.clearinghouse import Clearinghouse, Processed
from rcmdesk.sim.contract import CONNECTION_FILE
from rcmdesk.sim.server import Endpoint, running
from rcmdesk.sim.store import read_json
from rcmdesk.sim.tests.support import SteppedClock
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role

SEED = 7  # the synthetic payers' decisions: the same uploads get the same answers


@dataclass
class SimMailbox:
    """A running simulator: where it listens, its state, its clearinghouse and clock."""

    endpoint: Endpoint
    state_dir: Path
    clearinghouse: Clearinghouse
    clock: SteppedClock

    def process(self, **advance: float) -> Processed:
        """Move the clock by ``advance`` (``hours=1``, ``days=4``), then do what is due:
        take complete uploads, deliver answers whose time has come."""
        return self.clearinghouse.process(self.clock.advance(**advance))

    def connection_for(self, client: Organization, *, acting_user: User | None = None
                       ) -> Connection:
        """The client's SFTP connection to its own mailbox (a user made for it when the
        simulator has none), made by its admin (one is made when none is given); called
        again, the same connection."""
        if acting_user is None:
            acting_user = (User.objects.filter(organization=client, role=Role.CLIENT_ADMIN)
                           .first() or make_user(f"{client.slug}.admin", Role.CLIENT_ADMIN,
                                                 client))
        password = mailbox_passwords(self.state_dir, [client.slug])[client.slug]
        contract = read_json(self.state_dir / CONNECTION_FILE, None)
        return ensure_mailbox(client, contract, client.slug, password,
                              acting_user=acting_user)

    def folder(self, username: str, name: str) -> list[str]:
        """File names in one of a mailbox's folders, as the simulator's disk has them."""
        path = users.home(self.state_dir, username) / name
        return sorted(p.name for p in path.iterdir() if not p.name.startswith("."))

    def answers(self, username: str) -> list[str]:
        """What waits in ``from_clearinghouse`` for the client to download."""
        return self.folder(username, users.OUTBOUND)


@pytest.fixture(name="sim_mailbox")
def running_simulator(tmp_path: Path) -> Iterator[SimMailbox]:
    """The simulator's SFTP server on a free loopback port, shut down after the test."""
    state_dir = tmp_path / "sim"
    users.load(state_dir)  # the demo's two mailboxes, acme and birch
    # Starts now: the product takes the answers' envelope dates at their word.
    clock = SteppedClock(timezone.now().replace(microsecond=0))
    clearinghouse = Clearinghouse(state_dir, seed=SEED, clock=clock)
    with running(state_dir, port=0, clearinghouse=clearinghouse) as endpoint:
        yield SimMailbox(endpoint, state_dir, clearinghouse, clock)
