"""What a document can be attached to (found for a viewer by ``queries.owner``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rcmdesk.attachments.models import OwnerKind
from rcmdesk.claims.models import Claim
from rcmdesk.decisions.models import Proposal
from rcmdesk.denials.models import Appeal
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.workqueue.models import WorkItem

OwnerObject = Claim | Appeal | WorkItem | Proposal
MODELS: dict[OwnerKind, type[OwnerObject]] = {
    OwnerKind.CLAIM: Claim, OwnerKind.APPEAL: Appeal, OwnerKind.ITEM: WorkItem,
    OwnerKind.DECISION: Proposal,
}
FIELD = {OwnerKind.CLAIM: "claim", OwnerKind.APPEAL: "appeal", OwnerKind.ITEM: "item",
         OwnerKind.DECISION: "proposal"}


@dataclass(frozen=True)
class Owner:
    kind: OwnerKind
    obj: OwnerObject

    @property
    def pk(self) -> int:
        return int(self.obj.pk)

    @property
    def client_id(self) -> int:
        return int(self.obj.client_id)

    @property
    def claim_id(self) -> int | None:
        return self.obj.pk if isinstance(self.obj, Claim) else self.obj.claim_id

    @property
    def workflow(self) -> Workflow | None:
        """The workflow whose scope a partner needs to act on the owner (None: any)."""
        if isinstance(self.obj, Appeal):
            return Workflow.DENIALS
        if isinstance(self.obj, WorkItem | Proposal) and self.obj.workflow:
            return Workflow(self.obj.workflow)
        return None

    def fields(self) -> dict[str, Any]:
        """The attachment's columns naming this owner (and its claim, for the claim page)."""
        return {"client_id": self.client_id, "owner_kind": self.kind,
                FIELD[self.kind]: self.obj, "claim_id": self.claim_id}

