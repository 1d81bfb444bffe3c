from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.conftest import World
from rcmdesk.denials.corrected import CannotCorrect, corrected_claim, denied_lines
from rcmdesk.denials.playbook import set_policy
from rcmdesk.denials.tests.builders import denied_claim
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.services import NotAllowed
from rcmdesk.x12 import t837
from rcmdesk.x12.parser import transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import Address, Name

DX = (t837.Diagnosis("ABK", "M545"), t837.Diagnosis("ABF", "M6281"))


def _reparsed(out: OutboundFile) -> tuple[t837.ClaimSubmission, list[Any]]:
    (tx,) = [tx for tx in transactions(bytes(out.content)) if tx.set_id == "837"]
    refs = [s.elements for s in _segments(tx.root) if s.elements[0] == "REF"]
    return t837.submission(tx), refs


def _segments(loop: Any) -> list[Segment]:
    found: list[Segment] = []
    for item in loop.items:
        if isinstance(item, Segment):
            found.append(item)
        else:
            found.extend(_segments(item))
    return found


def test_a_replacement_claim_reparses_with_frequency_7_and_the_payer_claim_number(
        world: World) -> None:
    denied = denied_claim(world.acme)
    out = corrected_claim(denied.claim, "7", acting_user=world.user(Role.PARTNER_SPECIALIST),
                          diagnoses=DX)
    sub, refs = _reparsed(out)
    (claim,) = sub.claims
    assert sub.kind == "P"
    assert claim.frequency == "7"
    assert claim.patient_control_number == "PCN-7781"
    assert ["REF", "F8", "PAYER-CCN-55512"] in refs
    assert [line.procedure for line in claim.lines] == [("HC", "99213"),
                                                        ("HC", "97110", "GP")]
    assert claim.charge == denied.claim.total_charge
    assert claim.subscriber.name.id == "MBR0042"
    assert [d.code for d in claim.diagnoses] == ["M545", "M6281"]
    assert out.set_id == "837"
    assert out.purpose == "replacement claim"


def test_a_void_claim_carries_frequency_8(world: World) -> None:
    denied = denied_claim(world.acme)
    out = corrected_claim(denied.claim, "8", acting_user=world.user(Role.PARTNER_SPECIALIST),
                          diagnoses=DX)
    sub, refs = _reparsed(out)
    assert sub.claims[0].frequency == "8"
    assert ["REF", "F8", "PAYER-CCN-55512"] in refs


def test_only_the_denied_lines_go_out_where_the_payer_allows_it(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    with pytest.raises(NotAllowed, match="whole claim"):
        corrected_claim(denied.claim, "7", [denied.lines[1]], acting_user=specialist, diagnoses=DX)
    set_policy(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), payer=denied.claim.payer,
               allows_line_resubmission=True)
    assert denied_lines(denied.claim) == [denied.lines[1]]
    out = corrected_claim(denied.claim, "7", denied_lines(denied.claim), acting_user=specialist,
                          diagnoses=DX)
    (claim,) = _reparsed(out)[0].claims
    assert [line.procedure[1] for line in claim.lines] == ["97110"]
    assert claim.lines[0].control_number == "L2CTRL"
    assert str(claim.charge) == "150.00"
    with pytest.raises(CannotCorrect, match="whole claim"):
        corrected_claim(denied.claim, "8", [denied.lines[1]], acting_user=specialist, diagnoses=DX)


def test_a_claim_without_the_payers_claim_number_cannot_be_corrected(world: World) -> None:
    denied = denied_claim(world.acme)
    denied.claim.payer_claim_control_number = ""
    with pytest.raises(CannotCorrect, match="REF\\*F8"):
        corrected_claim(denied.claim, "7", acting_user=world.user(Role.PARTNER_SPECIALIST),
                        diagnoses=DX)
    assert not OutboundFile.objects.exists()


def test_only_people_who_work_denials_write_corrected_claims(world: World) -> None:
    denied = denied_claim(world.acme)
    with pytest.raises(PermissionDenied):
        corrected_claim(denied.claim, "7", acting_user=world.user(Role.PARTNER_QA), diagnoses=DX)


def test_with_the_billing_providers_address_the_file_passes_our_validator(
        world: World) -> None:
    denied = denied_claim(world.acme)
    billing = t837.Provider(Name("85", "2", "Acme Family Medicine PC", id_qualifier="XX",
                                 id="1234567893"),
                            Address("1 Main St", "", "Springfield", "IL", "627010001"),
                            "EI", "123456789")
    out = corrected_claim(denied.claim, "7", acting_user=world.user(Role.PARTNER_SPECIALIST),
                          diagnoses=DX, billing=billing)
    errors = [f for f in validate(bytes(out.content)) if f.severity == "error"]
    assert errors == []
