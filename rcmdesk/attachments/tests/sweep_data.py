"""Birch's document for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``): one
on a Birch claim, named with the foreign marker. The row is enough: every route refuses a
foreign document before its bytes would be read."""

from __future__ import annotations

from rcmdesk.attachments.models import Attachment, OwnerKind
from rcmdesk.conftest import World
from rcmdesk.workqueue.tests.factories import make_claim


def birch_objects(world: World) -> dict[str, str]:
    claim = make_claim(world.birch, "BIRCHPCN-ATT")
    attachment = Attachment.objects.create(
        client=world.birch, owner_kind=OwnerKind.CLAIM, claim=claim,
        name="birch-secret-file.pdf", content_type="application/pdf", size=9,
        sha256="0" * 64)
    return {"attachment_id": str(attachment.pk)}
