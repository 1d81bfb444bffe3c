"""The background loop the recovery sweep and the scheduler share: it repeats its pass until
stopped, a failing pass is logged and the next one still runs, and stopping waits for the
pass under way."""

from __future__ import annotations

import logging
import threading

import pytest

from rcmdesk.db.loop import Loop

log = logging.getLogger("rcmdesk.db.tests.loop")


def test_the_loop_repeats_its_pass_until_stopped() -> None:
    passes = []
    third = threading.Event()

    def step() -> None:
        passes.append(1)
        if len(passes) == 3:
            third.set()

    loop = Loop("test-loop", step, lambda: 0.01, failure="the test pass", logger=log).start()
    assert third.wait(5)
    loop.stop(grace=5)
    assert loop.thread is not None
    assert not loop.thread.is_alive()
    assert loop.thread.daemon
    assert loop.thread.name == "test-loop"
    count = len(passes)
    assert count >= 3
    assert len(passes) == count  # nothing runs after stop


def test_a_failing_pass_is_logged_and_the_next_pass_runs(
        caplog: pytest.LogCaptureFixture) -> None:
    passes = []
    loop: Loop

    def step() -> None:
        passes.append(1)
        if len(passes) == 1:
            raise RuntimeError("disk full")
        loop.stopping.set()

    loop = Loop("test-loop", step, lambda: 0.01, failure="the test pass", logger=log)
    with caplog.at_level(logging.ERROR, logger=log.name):
        loop.run()  # in this thread: it returns once the second pass asks it to stop
    assert len(passes) == 2
    [failed] = caplog.records
    assert failed.getMessage() == "the test pass failed; trying again in 0 s"
    assert failed.exc_info is not None


def test_stopping_waits_for_the_pass_under_way() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def step() -> None:
        started.set()
        release.wait(5)
        finished.set()

    loop = Loop("test-loop", step, lambda: 60, failure="the test pass", logger=log).start()
    assert started.wait(5)
    threading.Timer(0.05, release.set).start()
    loop.stop(grace=5)
    assert finished.is_set()
