"""Get next under real concurrency: threads with their own connections drain one queue.

These need committed rows that other connections can see, hence transactional tests. On
PostgreSQL the claim relies on ``FOR UPDATE SKIP LOCKED``; on SQLite on IMMEDIATE
transactions serialising the same code. Speed is measured in bench/work_queue.py, not here.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from rcmdesk.conftest import World, make_user
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

ITEMS = 200

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED claims need PostgreSQL (run under scripts/with-postgres)")
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite variant of the concurrent drain")


def specialists(world: World, count: int) -> list[Any]:
    users = []
    for n in range(count):
        user = make_user(f"pillar.worker{n}", Role.PARTNER_SPECIALIST, world.pillar)
        Assignment.objects.create(engagement=world.acme_engagement, user=user)
        users.append(user)
    return users


def open_items(world: World) -> set[int]:
    kinds = (ItemKind.DENIAL, ItemKind.AR_FOLLOWUP)
    return {make_item(world.acme, n, kind=kinds[n % 2], priority=n % 7).pk
            for n in range(ITEMS)}


def drain_concurrently(users: list[Any]) -> list[int]:
    """Every user's thread takes items until Get next hands out nothing; all ids taken."""
    start = threading.Barrier(len(users))
    taken: list[list[int]] = [[] for _ in users]
    failures: list[BaseException] = []

    def work(user_id: int, into: list[int]) -> None:
        try:
            user = type(users[0]).objects.get(pk=user_id)
            start.wait()
            while (item := services.claim_next(acting_user=user)) is not None:
                into.append(item.pk)
        except BaseException as exc:  # reported by the test thread below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user.pk, into))
               for user, into in zip(users, taken, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert not any(thread.is_alive() for thread in threads)
    return [pk for ids in taken for pk in ids]


def assert_each_item_handed_out_once(expected: set[int], handed: list[int]) -> None:
    counts = Counter(handed)
    assert [pk for pk, n in counts.items() if n > 1] == []
    assert set(counts) == expected
    assert not WorkItem.objects.filter(status=ItemStatus.OPEN).exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_get_next_hands_every_item_to_exactly_one_specialist_on_postgresql(
        world: World) -> None:
    users = specialists(world, 8)
    expected = open_items(world)
    assert_each_item_handed_out_once(expected, drain_concurrently(users))


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_concurrent_get_next_hands_every_item_to_exactly_one_specialist_on_sqlite(
        world: World) -> None:
    users = specialists(world, 4)
    expected = open_items(world)
    assert_each_item_handed_out_once(expected, drain_concurrently(users))
