"""Two processes ingesting the same 835 at the same moment post it once; the loser says the
file is already ingested, or that the winner is still processing it (PostgreSQL only:
SQLite serialises writers with BEGIN IMMEDIATE, so there is no race to test there)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ALREADY, BUSY, IngestResult, ingest
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, LedgerEntry
from rcmdesk.remits.tests.x12text import header, make_claim, remit


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ingests_of_one_835_post_it_once(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's concurrent writers")
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    data = remit(header("100.00") + "CLP*PCN1*1*100*100**12*CCN1~SVC*HC:99213*100*100**1~")
    start, results = threading.Barrier(2), []

    def run() -> None:
        from django.db import connection as own

        try:
            start.wait()
            results.append(ingest(world.acme, data, "race.835"))
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(r.outcome for r in results if isinstance(r, IngestResult))
    assert len(outcomes) == 2
    assert outcomes.count(FileStatus.APPLIED) == 1
    assert set(outcomes) - {FileStatus.APPLIED} <= {ALREADY, BUSY}  # done, or still at it
    cash = LedgerEntry.objects.filter(account=Account.PAYER_CASH)
    assert sum((e.amount for e in cash), Decimal(0)) == Decimal("100")
    assert check_ledger() == []
