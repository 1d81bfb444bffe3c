"""Fixtures of the simulator's tests: a state directory with two mailboxes and a clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from rcmdesk.sim import users
from rcmdesk.sim.clearinghouse import Clearinghouse
from rcmdesk.sim.tests.support import PASSWORDS, SteppedClock


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    root = tmp_path / "sim"
    users.save(root, [users.User(name, pw) for name, pw in PASSWORDS.items()])
    users.load(root)
    return root


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def clearinghouse(state_dir: Path, clock: SteppedClock) -> Clearinghouse:
    return Clearinghouse(state_dir, seed=7, clock=clock)
