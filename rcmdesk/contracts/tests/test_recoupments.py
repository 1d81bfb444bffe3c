"""Money taken back, traced to the claim line whose payment it took, shown on both claims."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.conftest import World, sign_in
from rcmdesk.contracts.models import Recoupment, RecoupmentSource
from rcmdesk.contracts.producers import sync_client
from rcmdesk.contracts.recoupments import trace_remittances
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import RemitLine, Remittance
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

pytestmark = pytest.mark.django_db
D = Decimal


def pay(world: World, body: str, trace: str, isa13: str, amount: str) -> None:
    data = remit(header(amount, trace=trace) + body, isa13=isa13)
    assert ingest(world.acme, data, f"{trace}.835").outcome == FileStatus.APPLIED


def items() -> list[WorkItem]:
    return list(WorkItem.objects.filter(kind=ItemKind.RECOUPMENT).order_by("pk"))


def paid_old_claim(world: World) -> Any:
    old = make_claim(world.acme, "OLD1", [("99213", "100.00"), ("99214", "150.00")])
    pay(world, "CLP*OLD1*1*250*220**12*ICN-OLD~SVC*HC:99213*100*100**1~"
        "SVC*HC:99214*150*120**1~CAS*CO*45*30~", "T1", "000000801", "220.00")
    return old


def test_a_plb_wo_naming_the_originals_payer_claim_number_is_linked_to_the_line_it_took(
        world: World, client: Any) -> None:
    old = paid_old_claim(world)
    new = make_claim(world.acme, "NEW1", [("99213", "100.00")])
    pay(world, "CLP*NEW1*1*100*100**12*ICN-NEW~SVC*HC:99213*100*100**1~"
        "PLB*1234567893*20251231*WO:ICN-OLD*120", "T2", "000000802", "-20.00")
    found = Recoupment.objects.get()
    line = old.lines.get(procedure="99214")
    assert (found.source, found.reason, found.amount) == (RecoupmentSource.PLB, "WO", D("120"))
    assert (found.claim_id, found.claim_line_id) == (old.pk, line.pk)
    assert found.original == RemitLine.objects.get(claim_line=line)
    assert "same amount" in found.how
    assert found.correction is None
    [item] = items()
    assert (item.source_key, item.amount, item.claim_id) == (
        f"recoupment:{found.pk}", D("120.00"), old.pk)
    assert item.workflow == "posting"
    sign_in(client, world.user(Role.PARTNER_SPECIALIST))
    for claim in (old, new):  # shown on both claims
        page = client.get(reverse("claims:claim", args=[claim.pk]))
        assert page.status_code == 200
        assert 'data-testid="recoupment"' in page.content.decode()
    sign_in(client, world.user(Role.CLIENT_MANAGER))  # posting is the client's own here
    page = client.get(reverse("workqueue:item", args=[item.pk]))
    assert page.status_code == 200
    assert "Taken back" in page.content.decode()
    assert "Traced to the payment by" in page.content.decode()


def test_a_takeback_of_a_claim_with_one_paid_line_or_no_exact_amount_still_finds_its_line(
        world: World) -> None:
    old = paid_old_claim(world)
    make_claim(world.acme, "NEW1", [("99213", "100.00")])
    pay(world, "CLP*NEW1*1*100*100**12*ICN-NEW~SVC*HC:99213*100*100**1~"
        "PLB*1234567893*20251231*WO:OLD1*110*72:UNKNOWN9*5", "T2", "000000803", "-15.00")
    by_reason = {r.reason: r for r in Recoupment.objects.all()}
    assert by_reason["WO"].claim_line == old.lines.get(procedure="99214")
    assert by_reason["WO"].how == "the largest payment not below the amount"
    assert by_reason["72"].claim is None
    assert "names no claim of ours" in by_reason["72"].how
    assert len(items()) == 2


def test_a_reversal_without_a_correction_is_an_item_and_a_later_correction_explains_it(
        world: World) -> None:
    claim = make_claim(world.acme, "PCN4", [("99213", "100.00")])
    pay(world, "CLP*PCN4*1*100*80**12*CCN4~SVC*HC:99213*100*80**1~CAS*CO*45*20~",
        "T1", "000000804", "80.00")
    pay(world, "CLP*PCN4*22*-100*-80**12*CCN4~SVC*HC:99213*-100*-80**1~CAS*CO*45*-20~",
        "T2", "000000805", "-80.00")
    found = Recoupment.objects.get()
    assert (found.source, found.amount) == (RecoupmentSource.REVERSAL, D("80.00"))
    assert found.claim_line == claim.lines.get()
    assert found.original == RemitLine.objects.get(remit_claim__remittance__trace_number="T1")
    [item] = items()
    assert item.status == ItemStatus.OPEN
    pay(world, "CLP*PCN4*1*100*90**12*CCN4B~SVC*HC:99213*100*90**1~CAS*CO*45*10~",
        "T3", "000000806", "90.00")
    found.refresh_from_db()
    assert found.correction is not None
    assert found.correction.remittance.trace_number == "T3"
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (
        ItemStatus.DONE, "explained by the correction in remit T3")


def test_a_reversal_corrected_in_the_same_remit_is_explained_and_makes_no_item(
        world: World) -> None:
    make_claim(world.acme, "PCN4", [("99213", "100.00")])
    pay(world, "CLP*PCN4*1*100*80**12*CCN4~SVC*HC:99213*100*80**1~CAS*CO*45*20~",
        "T1", "000000807", "80.00")
    pay(world, "CLP*PCN4*22*-100*-80**12*CCN4~SVC*HC:99213*-100*-80**1~CAS*CO*45*-20~"
        "CLP*PCN4*1*100*90**12*CCN4B~SVC*HC:99213*100*90**1~CAS*CO*45*10~",
        "T2", "000000808", "10.00")
    found = Recoupment.objects.get()
    assert found.correction is not None
    assert found.correction.status_code == "1"
    assert items() == []


def test_tracing_again_writes_nothing_twice(world: World) -> None:
    paid_old_claim(world)
    make_claim(world.acme, "NEW1", [("99213", "100.00")])
    pay(world, "CLP*NEW1*1*100*100**12*ICN-NEW~SVC*HC:99213*100*100**1~"
        "PLB*1234567893*20251231*WO:ICN-OLD*120", "T2", "000000809", "-20.00")
    assert trace_remittances(world.acme.pk, Remittance.objects.values_list("pk", flat=True)) == 0
    sync_client(world.acme, world.acme.today())
    sync_client(world.acme, world.acme.today())
    assert Recoupment.objects.count() == 1
    assert len(items()) == 1


def test_a_later_copy_of_the_835_carrying_the_same_plb_is_not_a_second_recoupment(
        world: World) -> None:
    paid_old_claim(world)
    make_claim(world.acme, "NEW2", [("99213", "100.00")])
    make_claim(world.acme, "NEW3", [("99213", "100.00")])
    new2 = "CLP*NEW2*1*100*100**12*CCNN2~SVC*HC:99213*100*100**1~"
    new3 = "CLP*NEW3*1*100*100**12*CCNN3~SVC*HC:99213*100*100**1~"
    plb = "PLB*1234567893*20251231*WO:OLD1*10*WO:OLD1*15"
    pay(world, new2 + plb, "T2", "000000810", "75.00")
    pay(world, new2 + new3 + plb, "T2", "000000811", "175.00")  # posts NEW3 only
    assert sorted(r.amount for r in Recoupment.objects.all()) == [D("10"), D("15")]
    sync_client(world.acme, world.acme.today())
    assert Recoupment.objects.count() == 2
