"""Concurrent writers still produce one gap-free, verifiable chain."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record, verify

WRITERS, EACH = 4, 25


def write_many(writer: int) -> None:
    try:
        for i in range(EACH):
            record("read", client_id=None, object_type="x", object_id=f"{writer}-{i}")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_leave_a_gap_free_chain():
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write_many, range(WRITERS)))
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == WRITERS * EACH
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert verify() == (len(seqs), None)
