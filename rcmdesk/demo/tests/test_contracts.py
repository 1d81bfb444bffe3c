"""The demo opens with Acme's contract and this morning's 835 checked against it (issue 22)."""

import pytest

from rcmdesk.contracts.models import Contract, ContractVersion, LineVariance, Recoupment
from rcmdesk.demo.backoffice import build_backoffice
from rcmdesk.demo.contracts import TRACE, build_contracts
from rcmdesk.demo.services import build_demo
from rcmdesk.workqueue.models import ItemKind, WorkItem

CLAIMS = 60


def counts():
    return tuple(m.objects.count() for m in (Contract, ContractVersion, LineVariance,
                                             Recoupment, WorkItem))


@pytest.mark.django_db
def test_this_mornings_835_shows_underpayments_an_overpayment_and_recoupments():
    build_demo()
    build_backoffice(CLAIMS)
    demo = build_contracts()
    assert demo is not None
    contract = Contract.objects.get()
    assert list(contract.versions.values_list("number", "author__username")) == [
        (1, "acme.admin"), (2, "acme.admin")]
    assert demo.priced_lines > 0
    assert demo.variances["underpaid"] == 2
    assert demo.variances["overpaid"] == 1
    assert demo.variances["within"] >= 1
    flagged = LineVariance.objects.filter(kind="underpaid", contractual_excess__gt=0)
    assert flagged.count() >= 1
    items = WorkItem.objects.active().filter(kind=ItemKind.UNDERPAYMENT)
    assert items.count() == 2
    assert all(item.claim_line_id for item in items)
    recouped = Recoupment.objects.filter(remittance__trace_number=TRACE)
    assert sorted(recouped.values_list("source", "reason")) == [("plb", "WO"),
                                                                  ("reversal", "22")]
    assert all(r.claim_line_id and r.original_id and r.correction_id is None
               for r in recouped)
    assert WorkItem.objects.active().filter(
        kind=ItemKind.RECOUPMENT, source_key__in=[f"recoupment:{r.pk}" for r in recouped]
    ).count() == 2


@pytest.mark.django_db
def test_a_second_contracts_run_adds_nothing():
    build_demo()
    build_backoffice(CLAIMS)
    first = build_contracts()
    before = counts()
    assert build_contracts() == first
    assert counts() == before
