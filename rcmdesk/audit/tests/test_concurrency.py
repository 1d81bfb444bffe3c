"""Concurrent writers: one client's chain stays gap-free, and no client waits for another."""

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from rcmdesk.audit.models import AuditChainHead, AuditEvent
from rcmdesk.audit.sealer import seal
from rcmdesk.audit.services import PendingEvent, record, record_many, verify

WRITERS, EACH = 4, 25


def write_many(writer: int, client_id: int | None = None) -> None:
    try:
        for i in range(EACH):
            record("read", client_id=client_id, object_type="x", object_id=f"{writer}-{i}")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_leave_a_gap_free_chain():
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write_many, range(WRITERS)))
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == WRITERS * EACH
    assert seqs == list(range(1, len(seqs) + 1))  # every one sealed by the writers' own seals
    assert verify() == (len(seqs), None)


@pytest.mark.django_db(transaction=True)
def test_sealing_is_gap_free_and_in_order_under_concurrent_writers_of_one_client(world):
    acme = world.acme.pk
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(lambda w: write_many(w, acme), range(WRITERS)))
    events = list(AuditEvent.objects.filter(chain=acme).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, WRITERS * EACH + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    for writer in range(WRITERS):  # each writer's events in the order it wrote them
        mine = [e.object_id for e in events if e.object_id.startswith(f"{writer}-")]
        assert mine == [f"{writer}-{i}" for i in range(EACH)]
    assert AuditChainHead.objects.get(chain=acme).seq == WRITERS * EACH
    assert verify() == (WRITERS * EACH, None)


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_of_one_client_never_blocks_another_clients_record_or_seal(world):
    """Client A's import has recorded events and is still open, and A's chain head is held
    by a sealer; client B records, commits and is sealed at once. PostgreSQL only: SQLite
    has one writer for the whole database."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the point is PostgreSQL's row locks")
    acme, birch = world.acme.pk, world.birch.pk
    record("read", client_id=acme)  # both chains have a head
    record("read", client_id=birch)
    holding, release = threading.Event(), threading.Event()

    def acme_import() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                record_many([PendingEvent("claims.ingested", acme, "claims.claim", i)
                             for i in range(1000)])
                record("read", client_id=acme)
                AuditChainHead.objects.select_for_update().get(chain=acme)  # a sealer's lock
                holding.set()
                release.wait(30)
        finally:
            own.close()

    importer = threading.Thread(target=acme_import)
    importer.start()
    try:
        assert holding.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # fail, rather than hang, if we wait
        started = time.monotonic()
        with transaction.atomic():
            event = record("update", client_id=birch, object_type="x", object_id="b")
        assert seal(acme) == 0  # held by the other sealer: leaves at once, never waits
        elapsed = time.monotonic() - started
    finally:
        release.set()
        importer.join()
    event.refresh_from_db()
    assert event.seq == 2  # sealed right after its commit, while acme's import was open
    assert elapsed < 2.0
    assert AuditEvent.objects.filter(chain=acme, seq__isnull=True).count() == 0
    assert AuditChainHead.objects.get(chain=acme).seq == 1002
    assert verify() == (1004, None)
