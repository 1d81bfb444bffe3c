"""The demo's front desk: Birch opens with visits to verify, auth work, held and sent charges."""

import pytest

from rcmdesk.claims.models import Claim
from rcmdesk.demo.backoffice import build_backoffice
from rcmdesk.demo.frontdesk import build_frontdesk
from rcmdesk.demo.services import build_demo
from rcmdesk.eligibility.models import Visit
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.workqueue.models import ItemKind, WorkItem

CLAIMS = 30


@pytest.mark.django_db
def test_birch_opens_with_visits_auth_items_held_drafts_and_a_sent_batch():
    build_demo()
    build_backoffice(CLAIMS)
    desk = build_frontdesk()
    assert desk is not None
    assert desk.visits == Visit.objects.filter(client__slug="birch").count() > 0
    kinds = set(WorkItem.objects.active().filter(client__slug="birch")
                .values_list("kind", flat=True))
    assert {ItemKind.ELIGIBILITY, ItemKind.PRIOR_AUTH} <= kinds
    held = set(Claim.objects.filter(front_door="held").values_list("patient_control_number",
                                                                    flat=True))
    assert held == {"DEMODRAFT3", "DEMODRAFT4"}
    assert desk.sent == 2
    assert SubmissionBatch.objects.count() == 1


@pytest.mark.django_db
def test_a_second_front_desk_run_adds_nothing():
    build_demo()
    build_backoffice(CLAIMS)
    first = build_frontdesk()
    counts = (Visit.objects.count(), Claim.objects.count(), SubmissionBatch.objects.count(),
              WorkItem.objects.active().count())
    second = build_frontdesk()
    assert second == first
    assert counts == (Visit.objects.count(), Claim.objects.count(),
                      SubmissionBatch.objects.count(), WorkItem.objects.active().count())
