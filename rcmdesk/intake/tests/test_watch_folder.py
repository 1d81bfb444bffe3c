"""The watch folder (issue 15): links and other non-files are set aside unread, a file still
being written waits until it settles, and nothing in done/ or quarantine/ is overwritten."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.watch import DropFolder, NotAPlainFile, read_plain
from rcmdesk.remits.tests.x12text import header, remit

SECRET = "k9Zq-not-a-real-key-but-secret-all-the-same"
GOOD = remit(header("0.00") + "CLP*X*4*0*0**12*C~")
runner = CliRunner()


class Clock:
    """Time that moves only when a test says so (file times stay the real ones)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def watch_once(folder: Path):
    return runner.invoke(app, ["watch", str(folder), "--client", "acme", "--once"])


@pytest.fixture
def drop(tmp_path: Path, settings) -> Path:
    settings.RCMDESK_WATCH_SETTLE_SECONDS = 0
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def test_a_link_to_the_secret_key_is_set_aside_unread(world: World, drop: Path,
                                                       tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text(SECRET)
    (drop / "remit.835").symlink_to(key)
    result = watch_once(drop)
    assert result.exit_code == 0, result.output
    assert "remit.835: set aside, not read: a symbolic link" in result.output
    assert (drop / "quarantine" / "remit.835").is_symlink()  # the link moved, not its target
    assert key.read_text() == SECRET
    assert not ReceivedFile.objects.exists()
    assert "k9Zq" not in result.output


def test_a_hard_link_a_pipe_and_a_folder_are_set_aside_without_blocking(
        world: World, drop: Path, tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text(SECRET)
    os.link(key, drop / "hard.835")
    os.mkfifo(drop / "pipe.835")
    (drop / "folder.835").mkdir()
    output = watch_once(drop).output
    assert "hard.835: set aside, not read: a hard link" in output
    assert "pipe.835: set aside, not read: not a regular file" in output
    assert "folder.835: set aside, not read: a folder" in output
    assert sorted(p.name for p in (drop / "quarantine").iterdir()) == [
        "folder.835", "hard.835", "pipe.835"]
    assert not ReceivedFile.objects.exists()


def test_a_file_swapped_for_a_link_after_the_look_is_refused_on_open(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text(SECRET)
    (tmp_path / "remit.835").symlink_to(key)
    with pytest.raises(NotAPlainFile, match="symbolic link"):
        read_plain(tmp_path / "remit.835")


def test_a_file_that_is_not_x12_is_quarantined_without_its_content_in_the_reason(
        world: World, drop: Path) -> None:
    (drop / "note.835").write_text(SECRET)
    output = watch_once(drop).output
    reason = ReceivedFile.objects.get().reason
    assert reason.startswith("This file is plain text, not an X12 file.")
    assert "k9Zq" not in reason + output


def test_a_file_that_grows_between_polls_is_taken_only_once_it_settles(tmp_path: Path) -> None:
    clock = Clock()
    folder = DropFolder(tmp_path, settle_seconds=5, clock=clock)
    path = tmp_path / "remit.835"
    path.write_bytes(GOOD[:100])
    assert folder.poll().settling == [path]  # just written
    clock.now += 10
    with path.open("ab") as handle:  # the upload goes on: older than 5 s by the clock now,
        handle.write(GOOD[100:])     # but changed since the last look
    assert folder.poll().ready == []
    clock.now += 10
    assert folder.poll().ready == [path]
    assert read_plain(path) == GOOD


def test_the_watch_command_leaves_a_file_still_being_written_for_the_next_run(
        world: World, drop: Path, settings) -> None:
    settings.RCMDESK_WATCH_SETTLE_SECONDS = 60
    (drop / "remit.835").write_bytes(GOOD[:100])
    output = watch_once(drop).output
    assert "remit.835: still being written" in output
    assert (drop / "remit.835").exists()
    assert not ReceivedFile.objects.exists()
    (drop / "remit.835").write_bytes(GOOD)
    an_hour_ago = time.time() - 3600
    os.utime(drop / "remit.835", (an_hour_ago, an_hour_ago))
    assert "remit.835: applied" in watch_once(drop).output
    assert (drop / "done" / "remit.835").read_bytes() == GOOD


def test_upload_tools_in_progress_names_and_dotfiles_are_left_alone(world: World,
                                                                     drop: Path) -> None:
    names = [".remit.835", "remit.835.part", "remit.835.TMP", "remit.835.filepart"]
    for name in names:
        (drop / name).write_bytes(GOOD)
    assert watch_once(drop).output == ""
    assert all((drop / name).exists() for name in names)
    assert not ReceivedFile.objects.exists()


def test_the_same_name_twice_keeps_both_files(world: World, drop: Path) -> None:
    (drop / "remit.835").write_bytes(GOOD)
    watch_once(drop)
    second = remit(header("0.00") + "CLP*Y*4*0*0**12*C~", isa13="000000202")
    (drop / "remit.835").write_bytes(second)
    output = watch_once(drop).output
    assert "(kept as done/remit." in output
    done = sorted((drop / "done").iterdir())
    assert len(done) == 2
    assert (drop / "done" / "remit.835").read_bytes() == GOOD
    assert {p.read_bytes() for p in done} == {GOOD, second}


def test_the_same_name_twice_in_quarantine_keeps_both_files(world: World, drop: Path) -> None:
    for text in ("first bad file", "second bad file"):
        (drop / "bad.835").write_text(text)
        watch_once(drop)
    kept = sorted(p.read_text() for p in (drop / "quarantine").iterdir())
    assert kept == ["first bad file", "second bad file"]
