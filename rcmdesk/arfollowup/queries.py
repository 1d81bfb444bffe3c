"""Reading the conversation with the payer about a claim: each 276 we asked and the 277
answers to it, for the work item page and the claim page's timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rcmdesk.arfollowup.models import ClaimStatusRequest, ClaimStatusResponse
from rcmdesk.arfollowup.status277 import meaning


@dataclass
class Answer:
    response: ClaimStatusResponse
    meaning: str


@dataclass
class Exchange:
    """One question (None: an answer nobody here asked for, matched by the claim's numbers)
    and the payer's answers to it, oldest first."""

    request: ClaimStatusRequest | None
    answers: list[Answer] = field(default_factory=list)

    @property
    def at(self) -> datetime:
        if self.request is not None:
            return self.request.requested_at
        return self.answers[0].response.received_at


def claim_status_exchanges(user: Any, claim_id: int) -> list[Exchange]:
    """Every 276 asked about the claim and every 277 answer, as ``user`` may see them (the
    client's people and the partner's on the engagement), oldest first; two queries."""
    return exchanges(ClaimStatusRequest.objects.visible_to(user),
                     ClaimStatusResponse.objects.visible_to(user), claim_id)


def exchanges(requests: Any, responses: Any, claim_id: int) -> list[Exchange]:
    """``claim_status_exchanges`` over querysets already narrowed to a reader (the item page
    passes the plain managers: seeing the item is seeing its claim)."""
    found = {r.pk: Exchange(r) for r in requests.filter(claim_id=claim_id)
             .select_related("requested_by", "outbound", "item").order_by("requested_at", "id")}
    loose: list[Exchange] = []
    for answer in (responses.filter(claim_id=claim_id).select_related("file")
                   .order_by("received_at", "id")):
        shown = Answer(answer, meaning(answer.category))
        if answer.request_id in found:
            found[answer.request_id].answers.append(shown)
        else:
            loose.append(Exchange(None, [shown]))
    return sorted([*found.values(), *loose], key=lambda e: e.at)
