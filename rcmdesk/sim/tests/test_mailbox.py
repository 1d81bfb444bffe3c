"""The SFTP mailboxes over real loopback sockets (port 0), with an asyncssh client."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from rcmdesk.sim import faults, users
from rcmdesk.sim.clearinghouse import Clearinghouse
from rcmdesk.sim.keys import host_key, public_line
from rcmdesk.sim.server import running
from rcmdesk.sim.tests.support import (
    PASSWORDS,
    START,
    SteppedClock,
    an_837,
    download,
    outbound,
    run,
    sftp,
    upload,
)
from rcmdesk.x12 import t277, t999
from rcmdesk.x12.parser import transactions

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh


async def _listing(endpoint: tuple[str, int, str], folder: str, user: str = "acme") -> list[str]:
    async with sftp(endpoint, user) as client:
        return sorted(name for name in await client.listdir(folder) if name not in (".", ".."))


def test_an_837_uploaded_under_a_temporary_name_then_renamed_is_answered_in_the_mailbox(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    sent = an_837(tmp_path, claims=20)
    ours = next(iter(transactions(sent)))
    with running(state_dir, clearinghouse=clearinghouse) as endpoint:
        run(upload(endpoint, "BATCH0001.x12", sent))
        clearinghouse.process(START)
        clearinghouse.process(clock.advance(hours=1))
        names = run(_listing(endpoint, users.OUTBOUND))
        assert [n.split("_")[0] for n in names] == ["277CA", "999"]
        ack = next(iter(t999.acknowledgments(run(download(endpoint, names[1])))))
        ca = next(iter(t277.responses(run(download(endpoint, names[0])))))
        archived = run(_listing(endpoint, users.ARCHIVE))
    assert (ack.group_control, ack.sets[0].control) == (ours.group.control, ours.control)
    assert len(ca.claims) == 20
    assert [n.endswith("-BATCH0001.x12") for n in archived] == [True]


def test_each_user_sees_only_their_own_mailbox(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    with running(state_dir, clearinghouse=clearinghouse) as endpoint:
        run(upload(endpoint, "A.x12", an_837(tmp_path), user="acme"))
        clearinghouse.process(START)
        assert len(run(_listing(endpoint, users.OUTBOUND, "acme"))) == 1
        assert run(_listing(endpoint, users.OUTBOUND, "birch")) == []
        assert run(_listing(endpoint, "/", "birch")) == sorted(users.FOLDERS)


def test_a_wrong_password_is_refused(state_dir: Path) -> None:
    with running(state_dir) as endpoint, pytest.raises(asyncssh.PermissionDenied):
        run(_listing_as(endpoint, "wrong-password"))


async def _listing_as(endpoint: tuple[str, int, str], password: str) -> list[str]:
    async with sftp(endpoint, "acme", password) as client:
        return list(await client.listdir("."))


def test_a_client_pinning_another_host_key_is_refused(state_dir: Path, tmp_path: Path) -> None:
    other = public_line(host_key(tmp_path / "elsewhere"))
    with running(state_dir) as (host, port, _key), pytest.raises(asyncssh.HostKeyNotVerifiable):
        run(_listing((host, port, other), "."))


def test_the_host_key_is_made_once_and_kept(state_dir: Path) -> None:
    first = public_line(host_key(state_dir))
    assert public_line(host_key(state_dir)) == first
    assert (state_dir / "host_key").stat().st_mode & 0o077 == 0
    with running(state_dir) as (_host, _port, key):
        assert key == first


def test_running_publishes_the_connection_details_a_client_needs(state_dir: Path) -> None:
    with running(state_dir) as (host, port, key):
        said = json.loads((state_dir / "connection.json").read_text())
    assert (said["host"], said["port"], said["host_key"]) == (host, port, key)
    assert (said["user"], said["password"]) == ("acme", PASSWORDS["acme"])
    assert said["folders"]["upload"] == users.INBOUND


def test_a_user_added_while_running_may_log_in_with_a_public_key(state_dir: Path) -> None:
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    with running(state_dir) as endpoint:
        users.save(state_dir, [users.User("carol", "", (public_line(client_key),))])

        async def listing() -> list[str]:
            host, port, key = endpoint
            known = asyncssh.import_known_hosts(f"[{host}]:{port} {key}\n")
            async with asyncssh.connect(host, port, username="carol", client_keys=[client_key],
                                        known_hosts=known, password=None,
                                        connect_timeout=10) as conn, \
                    conn.start_sftp_client() as client:
                return sorted(await client.listdir("."))
        assert users.INBOUND in run(listing())


def test_a_connection_dropped_mid_upload_leaves_nothing_taken_and_a_retry_is_answered_once(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    sent = an_837(tmp_path, claims=30)
    faults.inject(state_dir, drop_after_bytes=500)
    with running(state_dir, clearinghouse=clearinghouse) as endpoint:
        with pytest.raises((asyncssh.Error, OSError)):
            run(upload(endpoint, "BATCH0001.x12", sent))
        assert clearinghouse.process(START).taken == ()
        inbound = users.home(state_dir, "acme") / users.INBOUND
        (partial,) = inbound.iterdir()
        assert partial.name.endswith(".part")
        assert partial.stat().st_size == 500
        run(upload(endpoint, "BATCH0001.x12", sent))
        assert clearinghouse.process(START).taken == ("BATCH0001.x12",)
    assert [n.split("_")[0] for n in outbound(state_dir)] == ["999"]


def test_a_drop_fault_lets_a_shorter_transfer_through_and_cuts_the_next_long_one(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    faults.inject(state_dir, drop_after_bytes=2000)
    with running(state_dir, clearinghouse=clearinghouse) as endpoint:
        run(upload(endpoint, "SMALL.x12", an_837(tmp_path, claims=1, reference="SMALL")))
        with pytest.raises((asyncssh.Error, OSError)):
            run(upload(endpoint, "LARGE.x12", an_837(tmp_path, claims=30, reference="LARGE")))
        assert clearinghouse.process(START).taken == ("SMALL.x12",)
    assert faults.Faults.load(state_dir).drop_after_bytes is None


def test_a_connection_dropped_mid_download_leaves_the_answer_in_place(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    with running(state_dir, clearinghouse=clearinghouse) as endpoint:
        run(upload(endpoint, "BATCH0001.x12", an_837(tmp_path, claims=30)))
        clearinghouse.process(START)
        clearinghouse.process(clock.advance(hours=1))
        name, whole = next((n, d) for n, d in outbound(state_dir).items()
                           if n.startswith("277CA"))
        faults.inject(state_dir, drop_after_bytes=100)
        with pytest.raises((asyncssh.Error, OSError)):
            run(download(endpoint, name))
        assert run(download(endpoint, name)) == whole


def test_the_server_processes_on_its_own_when_given_a_tick(
        tmp_path: Path, state_dir: Path, clock: SteppedClock) -> None:
    house = Clearinghouse(state_dir, seed=7, clock=clock)
    with running(state_dir, clearinghouse=house, tick=0.05) as endpoint:
        run(upload(endpoint, "BATCH0001.x12", an_837(tmp_path)))

        async def wait_for_999() -> list[str]:
            import asyncio
            while not (names := await _listing(endpoint, users.OUTBOUND)):
                await asyncio.sleep(0.05)
            return names
        assert run(wait_for_999())[0].startswith("999_")


def test_a_file_uploaded_straight_to_its_final_name_is_not_taken_while_still_open(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    """Not our client's way (it renames), but a simpler client's: the server knows the file
    is still being written, whatever its name."""
    sent = an_837(tmp_path)

    async def write_in_two_halves() -> tuple[tuple[str, ...], tuple[str, ...]]:
        import asyncio

        async with sftp(endpoint) as client:
            async with client.open(f"{users.INBOUND}/DIRECT.x12", "wb") as handle:
                await handle.write(sent[: len(sent) // 2])
                during = await asyncio.to_thread(clearinghouse.process, START)
                await handle.write(sent[len(sent) // 2:])
            after = await asyncio.to_thread(clearinghouse.process, START)
        return during.taken, after.taken

    with running(state_dir, clearinghouse=clearinghouse) as endpoint:
        assert run(write_in_two_halves()) == ((), ("DIRECT.x12",))
