"""Client edits as data: each check, for its payer or every payer, with its own code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.playbooks.models import ClaimEdit, EditCheck
from rcmdesk.scrubber.engine import scrub_claims
from rcmdesk.scrubber.registry import Finding
from rcmdesk.scrubber.tests import builders as b

pytestmark = pytest.mark.django_db


def edit(world: World, rule: EditCheck, value: str, *, codes: str = "99213",
         payer: Any = None, severity: str = "error", code: str = "ACME-1") -> ClaimEdit:
    return ClaimEdit.objects.create(client=world.acme, payer=payer, code=code, codes=codes,
                                    rule=rule, value=value, severity=severity,
                                    message=f"{rule} {value}")


def findings(c: Claim, code: str = "ACME-1") -> list[Finding]:
    return [f for f in scrub_claims([c], today=b.TODAY)[c.pk] if f.code == code]


@pytest.mark.parametrize(("rule", "value", "failing", "passing"), [
    (EditCheck.REQUIRES_MODIFIER, "25, 59", {"modifiers": ["LT"]}, {"modifiers": ["59"]}),
    (EditCheck.FORBIDS_MODIFIER, "GT", {"modifiers": ["GT"]}, {"modifiers": ["95"]}),
    (EditCheck.REQUIRES_DIAGNOSIS, "E11", {"diagnosis_pointers": [2]},
     {"diagnosis_pointers": [1]}),
    (EditCheck.MAX_UNITS, "2", {"units": Decimal("3")}, {"units": Decimal("2")}),
    (EditCheck.REQUIRES_PLACE_OF_SERVICE, "11, 22", {"place_of_service": "02"},
     {"place_of_service": "22"}),
])
def test_each_edit_check_stops_the_failing_line_and_passes_the_good_one(
        world: World, rule: EditCheck, value: str, failing: dict[str, Any],
        passing: dict[str, Any]) -> None:
    edit(world, rule, value)
    assert findings(b.claim(world.acme, lines=[failing]))
    assert not findings(b.claim(world.acme, lines=[passing]))


def test_an_edit_finding_carries_the_edits_code_message_severity_and_line(
        world: World) -> None:
    edit(world, EditCheck.REQUIRES_MODIFIER, "25", severity="warning")
    c = b.claim(world.acme, lines=[{"modifiers": ["25"]}, {"modifiers": []}])
    assert findings(c) == [Finding("ACME-1", "requires_modifier 25", "warning",
                                   "line[2].modifiers", 2)]


def test_an_edit_for_one_payer_leaves_other_payers_claims_alone(world: World) -> None:
    edit(world, EditCheck.REQUIRES_MODIFIER, "25", payer=b.payer(world.acme, "OTHER"))
    assert not findings(b.claim(world.acme))
    assert findings(b.claim(world.acme, pay=b.payer(world.acme, "OTHER")))


def test_an_edit_only_looks_at_the_codes_it_names(world: World) -> None:
    edit(world, EditCheck.REQUIRES_MODIFIER, "25", codes="99214-99215, J9*")
    assert not findings(b.claim(world.acme))
    assert findings(b.claim(world.acme, lines=[{"procedure": "J9035"}]))


def test_an_inactive_edit_and_another_clients_edit_do_not_run(world: World) -> None:
    edit(world, EditCheck.REQUIRES_MODIFIER, "25").__class__.objects.update(active=False)
    ClaimEdit.objects.create(client=world.birch, code="BIRCH-1", codes="99213",
                             rule=EditCheck.REQUIRES_MODIFIER, value="25", message="x")
    c = b.claim(world.acme)
    assert not findings(c)
    assert not findings(c, "BIRCH-1")
