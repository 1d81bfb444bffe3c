"""Every registered ``rcmdesk`` command starts: its ``--help``, and one real run in a fresh
process, where Django is not set up until the command does it.

In-process tests (``CliRunner``) run after pytest-django has set Django up, so they cannot see
a command that imports models too early: ``rcmdesk claims import-charges`` crashed on every
start with ImproperlyConfigured while its tests passed (issue 15). The commands are read from
the app the console script runs, so a newly registered command is covered, or this test
fails asking for a value for its new required parameter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import typer.main

from rcmdesk.cli import app
from rcmdesk.x12.tests.test_reader import SAMPLE

# Its processes use a SQLite database of their own, so the PostgreSQL pass adds nothing.
pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="database-independent: the SQLite pass runs it")


def commands(group: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every leaf command under ``group`` (the whole ``rcmdesk`` app)."""
    group = group or typer.main.get_command(app)
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if getattr(command, "commands", None) is None:
            yield (*path, name)
        else:
            yield from commands(command, (*path, name))


def leaf(path: tuple[str, ...]) -> Any:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


COMMANDS = list(commands())
# What a real run of each command gets for its required parameters: an unknown client or
# user (the command sets up Django, reads the database and refuses, exit 2), a small 835.
VALUES = {"client": "nobody", "acting_as": "nobody", "to": "nobody", "username": "nobody",
          "role": "no-such-role", "week": "2026-W01", "code_list": "carc", "proposal_id": "1",
          "appeal_id": "1", "on": "2026-01-02", "channel": "fax", "outcome": "upheld",
          "exception_id": "1", "unapplied_id": "1", "claim": "NOPCN", "reason": "none",
          "amount": "1.00", "job": "no_such_job", "connection": "nobody", "name": "nobody",
          "contract": "1", "note": "none", "year": "2026", "assessment_id": "1",
          "requested_by": "nobody"}
FILES = {"files", "file", "path"}
# Options that keep a real run short and local: never serve, loop or build much.
EXTRA: dict[tuple[str, ...], list[str]] = {
    ("watch",): ["--once"], ("worker",): ["--batch"], ("demo",): ["--claims", "0"],
    ("manage",): ["check"], ("synth",): ["--claims", "1"],
    ("serve",): ["--host", "192.0.2.1"],  # refused: plain HTTP beyond loopback
    ("sim",): ["--prepare"],  # writes its state and connection.json, never listens
}


def argv(path: tuple[str, ...], workdir: Path) -> list[str]:
    """The command line of one real run of ``path``."""
    sample = workdir / "sample.835"
    args: list[str] = [*path]
    for param in leaf(path).params:
        if not param.required:
            continue
        if param.name in FILES:
            value = str(sample)
        elif param.name in ("out_dir", "folder"):
            value = str(workdir / param.name)
        else:
            assert param.name in VALUES, f"add a value for {param.name!r} of {path}"
            value = VALUES[param.name]
        args += [value] if type(param).__name__.endswith("Argument") else [param.opts[0], value]
    return args + EXTRA.get(path, [])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir of its own with a migrated SQLite database, and a small 835."""
    root = tmp_path_factory.mktemp("cli")
    (root / "sample.835").write_text(SAMPLE)
    done = run(["migrate"], root)
    assert done.returncode == 0, done.stderr
    return root


def run(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RCMDESK_VAR_DIR=str(root / "var"), RCMDESK_HTTPS="false",
               RCMDESK_NEW_PASSWORD="x", COLUMNS="200", NO_COLOR="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "rcmdesk.cli", *args], capture_output=True,
                          text=True, env=env, cwd=root, timeout=120, check=False)


@pytest.fixture(scope="module")
def runs(workdir: Path) -> dict[tuple[str, ...], subprocess.CompletedProcess[str]]:
    """One real run of every command, side by side (each is a second of start-up)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        done = pool.map(lambda path: run(argv(path, workdir), workdir), COMMANDS)
        return dict(zip(COMMANDS, done, strict=True))


def test_every_command_has_a_real_run_here() -> None:
    assert ("claims", "import-charges") in COMMANDS
    assert len(COMMANDS) > 40


def test_every_commands_help_prints_in_a_fresh_process(workdir: Path) -> None:
    """One process for all: ``--help`` never runs a command's body (``manage``, whose help
    is Django's and sets Django up, goes last)."""
    script = ("import sys\nfrom typer.testing import CliRunner\nfrom rcmdesk.cli import app\n"
              "for line in sys.stdin.read().splitlines():\n"
              "    out = CliRunner().invoke(app, [*line.split(), '--help'])\n"
              "    usage = 'Usage:' in out.output or 'help <subcommand>' in out.output\n"
              "    print(line, out.exit_code, usage, flush=True)\n")
    ordered = sorted(COMMANDS, key=lambda path: path == ("manage",))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            input="\n".join(" ".join(p) for p in ordered), timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    bad = [line for line in result.stdout.splitlines() if not line.endswith(" 0 True")]
    assert bad == []
    assert len(result.stdout.splitlines()) == len(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_real_run_of_the_command_ends_without_a_traceback(
        path: tuple[str, ...],
        runs: dict[tuple[str, ...], subprocess.CompletedProcess[str]]) -> None:
    result = runs[path]
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode in (0, 1, 2), output[-3000:]
