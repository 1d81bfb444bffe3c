from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.decisions import services as decisions
from rcmdesk.decisions.models import Proposal, ProposalKind
from rcmdesk.denials.models import Appeal
from rcmdesk.denials.tests.builders import Denied, denied_claim
from rcmdesk.tenancy.roles import Role


@dataclass
class Owners:
    denied: Denied
    appeal: Appeal
    proposal: Proposal


@pytest.fixture(autouse=True)
def _attachments_dir(settings: Any, tmp_path: Any) -> None:
    settings.RCMDESK_ATTACHMENTS_DIR = tmp_path / "attachments"


@pytest.fixture
def owners(world: World) -> Owners:
    """Acme's denied claim with its denial item, an appeal on it and a write-off question."""
    denied = denied_claim(world.acme)
    appeal = Appeal.objects.create(client=world.acme, item=denied.item, claim=denied.claim,
                                   category="authorization", subject="Appeal of PCN-7781",
                                   letter_text="We enclose the authorization.\n\nThank you.")
    proposal = decisions.propose(world.acme, ProposalKind.POLICY_EXCEPTION,
                                 acting_user=world.user(Role.CLIENT_STAFF), claim=denied.claim,
                                 reasons="Payer portal shows the auth on file.")
    return Owners(denied, appeal, proposal)
