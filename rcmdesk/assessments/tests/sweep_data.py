"""Birch's assessment and a deletion certificate for the isolation sweep
(``tenancy/tests/test_isolation_sweep.py``): named with the foreign marker, so no Acme person
(and no partner) reaches either."""

from __future__ import annotations

from rcmdesk.assessments.models import Assessment, DeletionCertificate
from rcmdesk.conftest import World


def birch_objects(world: World) -> dict[str, str]:
    made = Assessment.objects.create(client=world.birch,
                                     name="birch-secret-marker assessment")
    certificate = DeletionCertificate.objects.create(
        organization_id=world.birch.pk + 1000, organization_slug="gone",
        organization_name="birch-secret-marker practice", assessment_name="gone",
        requested_by="birch-secret-marker", digest="0" * 64)
    return {"assessment_id": str(made.pk), "certificate_id": str(certificate.pk)}
