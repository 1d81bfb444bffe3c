"""``rcmdesk serve`` as systemd and ``docker stop`` stop it (issue 15): SIGTERM to the parent
closes the port and leaves no child behind, and no control socket lands in the home folder.

A real process tree on a free loopback port, in a var dir and a home folder of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Its processes use a SQLite database of their own, so the PostgreSQL pass adds nothing.
pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="database-independent: the SQLite pass runs it")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def alive(pid: int) -> bool:
    """Running (a zombie has ended; only its parent has not looked yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc (the job worker, gunicorn, its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, IndexError):
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database of its own (the job worker needs its tables)."""
    tmp_path = tmp_path_factory.mktemp("serve")
    out = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "XDG_RUNTIME_DIR", "DJANGO_SETTINGS_MODULE")}
    out.update(RCMDESK_VAR_DIR=str(tmp_path / "var"), HOME=str(tmp_path / "home"),
               RCMDESK_HTTPS="false")
    (tmp_path / "home").mkdir()
    subprocess.run([sys.executable, "-m", "rcmdesk.cli", "migrate"], env=out, check=True,
                   capture_output=True, timeout=300)
    return out


@pytest.fixture
def serving(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], int, set[int]]]:
    """``rcmdesk serve`` answering on a free port, and its children; whatever is left of
    them afterwards is killed, so a failing run leaves nothing behind. (One start costs
    some 20 s of CPU, most of it collectstatic compressing the static files.)"""
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "rcmdesk.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while not answers(port) and time.monotonic() < deadline and serve.poll() is None:
        time.sleep(0.2)
    children = descendants(serve.pid)
    try:
        yield serve, port, children
    finally:
        for pid in (serve.pid, *children):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait(timeout=30)


def test_sigterm_to_serve_closes_the_port_and_leaves_no_child_or_home_socket(
        serving, env) -> None:
    serve, port, children = serving
    assert answers(port)
    assert len(children) >= 3  # the job worker, gunicorn's master and its worker
    assert list(Path(env["HOME"]).rglob("*")) == []  # no $HOME/.gunicorn/gunicorn.ctl
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=60) == 0
    assert not answers(port)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in children if alive(pid)] == []


PARENT = """
import sys, time
from rcmdesk.cli import _child

child = _child([sys.executable, "-c", "import time; time.sleep(120)"])
print(child.pid, flush=True)
time.sleep(120)
"""


def test_a_child_of_serve_ends_when_serve_is_killed_outright() -> None:
    """``kill -9`` cannot be passed on; the children ask the kernel for a signal instead."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE,
                              text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert alive(child)
        parent.kill()
        parent.wait(timeout=30)
        deadline = time.monotonic() + 10
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


class _Ended:
    """A child that has already exited (``rcmdesk serve``'s loop then stops at once)."""

    returncode = 0

    def poll(self) -> int:
        return 0

    def terminate(self) -> None:
        pass

    def kill(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.mark.parametrize(("sim", "children"), [(True, ["worker", "web", "sim"]),
                                                (False, ["worker", "web"])])
def test_serve_starts_the_clearinghouse_simulator_only_when_asked(
        monkeypatch: pytest.MonkeyPatch, sim: bool, children: list[str]) -> None:
    """``make run`` passes ``--sim``: ``rcmdesk sim`` is then a third child, stopped with
    the others; without it (production) only the worker and the web server start."""
    import typer

    from rcmdesk import cli

    started: list[list[str]] = []

    def child(command: list[str]) -> _Ended:
        started.append(command)
        return _Ended()

    monkeypatch.setattr(cli, "_child", child)
    with pytest.raises(typer.Exit):
        cli._serve_with_worker(["web"], sim=sim)
    assert [command[-1] for command in started] == children
