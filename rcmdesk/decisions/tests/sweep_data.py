"""Birch's decision rows for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``):
a proposal whose reasons carry the foreign marker."""

from __future__ import annotations

from rcmdesk.conftest import World, make_user
from rcmdesk.decisions import services
from rcmdesk.decisions.models import ProposalKind
from rcmdesk.tenancy.roles import Role


def birch_objects(world: World) -> dict[str, str]:
    staff = make_user("birch.sweep.staff", Role.CLIENT_STAFF, world.birch)
    proposal = services.propose(world.birch, ProposalKind.POLICY_EXCEPTION, acting_user=staff,
                                reasons="birch-secret-marker")
    return {"proposal_id": str(proposal.pk)}
