"""Birch rows for the isolation sweep: a scrub run (run_id) and a claim edit (edit_id)."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.playbooks.models import ClaimEdit, EditCheck
from rcmdesk.scrubber import services
from rcmdesk.scrubber.tests import builders as b


def birch_objects(world: World) -> dict[str, str]:
    claim = b.claim(world.birch, patient_control_number="BIRCHPCN-SCRUB", diagnoses=[])
    run = services.scrub(world.birch, [claim], acting_user=None, today=b.TODAY,
                         purpose="birch-secret-marker")
    edit = ClaimEdit.objects.create(client=world.birch, code="BIRCH-EDIT", codes="99213",
                                    rule=EditCheck.MAX_UNITS, value="1",
                                    message="birch-secret-marker")
    return {"run_id": str(run.pk), "edit_id": str(edit.pk)}
