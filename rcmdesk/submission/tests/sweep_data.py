"""A Birch batch for the isolation sweep: every Acme user must get 404 for it."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.intake import outbound
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.x12.writer import Envelope


def birch_objects(world: World) -> dict[str, str]:
    out = outbound.write(world.birch, "837", [], Envelope(sender="BIRCH"), name="birch.x12")
    batch = SubmissionBatch.objects.create(client=world.birch, kind="I", outbound=out)
    return {"batch_id": str(batch.pk), "client_slug": world.birch.slug, "kind": "B"}
