"""A 271 finds the 270 it answers by our trace (TRN02); an answer to a trace we never sent
is stored with no visit and named on the file's page."""

from __future__ import annotations

from typing import Any

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import EligibilityRequest, EligibilityResponse
from rcmdesk.eligibility.services import request_eligibility
from rcmdesk.eligibility.tests.builders import build_271, make_visit
from rcmdesk.intake.services import ingest
from rcmdesk.tenancy.roles import Role


def test_a_271_answer_is_tied_to_the_270_request_whose_trace_it_echoes(world: World) -> None:
    one = make_visit(world.acme, days_ahead=1)
    two = make_visit(world.acme, days_ahead=2, last="JONES", member_id="M2")
    request_eligibility([one, two], acting_user=world.user(Role.CLIENT_STAFF))
    asked = EligibilityRequest.objects.get(visit=two)
    # the member named is the first visit's: the trace, not the member, decides
    ingest(world.acme, build_271(asked.trace), "a.271")
    [answer] = EligibilityResponse.objects.all()
    assert (answer.visit, answer.request) == (two, asked)


def test_an_answer_to_a_trace_we_never_sent_is_kept_unmatched_and_named_on_the_file_page(
        world: World, signed_in: Any) -> None:
    result = ingest(world.acme, build_271("NOTOURS7", member_id="NOBODY"), "a.271")
    assert result.outcome == "applied", result.message
    assert EligibilityResponse.objects.get(trace="NOTOURS7").visit is None
    [outcome] = result.file.summary["sets"].values()
    assert outcome["unmatched"] == 1
    assert outcome["unmatched_answers"][0].startswith("trace NOTOURS7")
    page = signed_in(Role.CLIENT_STAFF).get(f"/intake/files/{result.file.pk}/")
    assert "not matched: trace NOTOURS7" in page.content.decode()
