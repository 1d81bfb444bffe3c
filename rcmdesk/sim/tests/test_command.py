"""``rcmdesk sim`` as its own process: it listens, says where in ``connection.json``, answers
an upload on its own clock, and stops cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcmdesk.sim import faults, users
from rcmdesk.sim.tests.support import an_837, run, sftp, upload

START_TIMEOUT = 30.0


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """The command on port 0 with a fresh state dir; killed if a test leaves it running."""
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rcmdesk.cli", "sim", "--port", "0", "--http-port", "0",
         "--state-dir", str(state), "--tick", "0.1", "--fault", "duplicate"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_TIMEOUT
    while not (state / "connection.json").exists() and process.poll() is None:
        assert time.monotonic() < deadline, "the simulator never wrote connection.json"
        time.sleep(0.05)
    try:
        yield process, state
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def test_the_command_publishes_its_connection_and_answers_an_upload(
        simulator: tuple[subprocess.Popen[str], Path], tmp_path: Path) -> None:
    process, state = simulator
    details = json.loads((state / "connection.json").read_text())
    assert (state / "connection.json").stat().st_mode & 0o077 == 0
    assert {login["user"] for login in details["users"]} == set(users.DEMO_USERS)
    assert details["user"] == details["users"][0]["user"]
    assert details["host_key"].startswith("ssh-ed25519 ")
    assert faults.Faults.load(state).duplicate_next == 1
    endpoint = (details["host"], details["port"], details["host_key"])
    user, password = details["user"], details["password"]

    async def send_and_wait() -> list[str]:
        import asyncio

        await upload(endpoint, "BATCH0001.x12", an_837(tmp_path), user=user,
                     password=password)
        async with sftp(endpoint, user, password) as client:
            while len(names := await client.listdir(users.OUTBOUND)) < 4:  # . .. 999 999-again
                await asyncio.sleep(0.05)
            return sorted(n for n in names if not n.startswith("."))
    names = run(send_and_wait())
    assert names == ["999_000000001_BATCH0001-again.x12", "999_000000001_BATCH0001.x12"]
    process.send_signal(signal.SIGTERM)
    out, _err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert f":{details['port']}" in out
    assert "took BATCH0001.x12" in out
    assert f"delivered {names[0]}" in out


def test_sigint_stops_it_too(simulator: tuple[subprocess.Popen[str], Path]) -> None:
    process, _state = simulator
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 0


def test_an_unknown_fault_is_refused_before_anything_listens(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rcmdesk.cli", "sim", "--port", "0", "--http-port", "0",
         "--state-dir", str(tmp_path), "--fault", "gremlins"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown fault" in done.stderr
    assert not (tmp_path / "connection.json").exists()


def test_prepare_writes_the_connection_details_before_anything_listens(tmp_path: Path) -> None:
    """``make run`` prepares the simulator before building the demo, which points its
    connections at it; the running simulator later says the same."""
    done = subprocess.run(
        [sys.executable, "-m", "rcmdesk.cli", "sim", "--prepare", "--port", "8022",
         "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said = json.loads((tmp_path / "connection.json").read_text())
    assert (said["host"], said["port"]) == ("127.0.0.1", 8022)
    assert said["host_key"] in done.stdout
    assert (tmp_path / "homes" / "acme" / users.INBOUND).is_dir()
