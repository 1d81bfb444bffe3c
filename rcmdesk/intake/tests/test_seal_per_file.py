"""A file's audit events are linked into their chain once, when the file is done.

Receiving, each set, the outcome and the receivers of ``file_applied`` each commit their
own events with their changes; taking the chain's head after each of those commits cost a
year of a practice's files thousands of locks for nothing a reader could see.
"""

from typing import Any

import pytest

from rcmdesk.audit import sealer
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.tests.x12text import header, make_claim, remit


@pytest.mark.django_db(transaction=True)
def test_ingesting_a_file_seals_its_chain_once_and_leaves_no_event_unsealed(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = sealer.seal

    def counting(chain: int, **kwargs: Any) -> int:
        asked.append(chain)
        return real(chain, **kwargs)

    monkeypatch.setattr(sealer, "seal", counting)
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    asked.clear()
    data = remit(header("80.00", trace="T1") + "CLP*PCN1*1*100*80**12*CCN1~"
                 "SVC*HC:99213*100*80**1~CAS*CO*45*20~", isa13="000000901")
    assert ingest(world.acme, data, "T1.835").outcome == FileStatus.APPLIED
    actions = set(AuditEvent.objects.filter(client_org_id=world.acme.pk).values_list(
        "action", flat=True))
    assert {"intake.received", "remits.835_posted", "intake.applied"} <= actions
    assert asked == [world.acme.pk]
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
