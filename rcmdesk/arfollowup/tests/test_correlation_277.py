"""A 277 finds the 276 it answers by our trace (TRN02); an answer to a trace we never sent
and to no claim of ours is named on the file's page, not dropped."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.arfollowup.models import ClaimStatusRequest, ClaimStatusResponse
from rcmdesk.arfollowup.services import request_status
from rcmdesk.arfollowup.tests.builders import Reply, write_277
from rcmdesk.conftest import World
from rcmdesk.intake.services import ingest
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db


def test_a_277_answer_is_tied_to_the_276_request_whose_trace_it_echoes(world: World) -> None:
    first, second = make_claim(world.acme, "PCN1"), make_claim(world.acme, "PCN2")
    request_status([first, second], acting_user=world.user(Role.PARTNER_SPECIALIST))
    asked = {r.claim_id: r for r in ClaimStatusRequest.objects.all()}
    # the references are crossed on purpose: the trace, not the account number, decides
    ingest(world.acme, write_277([Reply(asked[second.pk].trace, "PCN1", "A2", "20")]),
           "status.277")
    [answer] = ClaimStatusResponse.objects.all()
    assert answer.request == asked[second.pk]
    assert answer.claim == second
    assert answer.request.outbound_id == asked[second.pk].outbound_id


def test_an_answer_to_an_unknown_trace_and_claim_is_named_on_the_file_page(
        world: World, signed_in: Any) -> None:
    make_claim(world.acme, "PCN1")
    result = ingest(world.acme, write_277([Reply("NOTOURS9", "GHOST", "A1", "20")]),
                    "status.277")
    assert result.outcome == "applied", result.message
    [outcome] = result.file.summary["sets"].values()
    assert outcome["unmatched"] == 1
    assert outcome["unmatched_answers"] == ["trace NOTOURS9 (claim GHOST, A1:20)"]
    assert not ClaimStatusResponse.objects.exists()
    page = signed_in(Role.CLIENT_STAFF).get(f"/intake/files/{result.file.pk}/")
    assert "not matched: trace NOTOURS9 (claim GHOST, A1:20)" in page.content.decode()
