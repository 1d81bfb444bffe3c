"""Contracts change only through versions, by the client, and the book prices from them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.contracts.book import ContractBook
from rcmdesk.contracts.models import ContractVersion
from rcmdesk.contracts.pricing import Line
from rcmdesk.contracts.services import RateRow, do_add_version, do_change_terms
from rcmdesk.contracts.tests.factories import contract, payer
from rcmdesk.tenancy.roles import Role


def test_a_later_version_changes_the_rate_only_from_its_first_day(world: Any) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    do_add_version(made, [RateRow("99213", date(2026, 7, 1), amount=Decimal("110.00"))],
                   note="2026 mid-year increase", acting_user=world.user(Role.CLIENT_ADMIN))
    book = ContractBook(world.acme.pk)
    found = book.contract_for(payer(world.acme).pk)
    assert found == made
    schedule = book.schedule(made)
    assert schedule.find(["99213"], [], "", date(2026, 6, 30)).amount == Decimal("100.00")
    assert schedule.find(["99213"], [], "", date(2026, 7, 1)).amount == Decimal("110.00")
    assert list(ContractVersion.objects.filter(contract=made).values_list(
        "number", "author__username")) == [(1, None), (2, "acme.admin")]


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST,
                                  Role.CLIENT_STAFF])
def test_no_partner_role_or_client_staff_may_change_a_contract(world: Any, role: Role) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    with pytest.raises(PermissionDenied):
        do_add_version(made, [], note="try", acting_user=world.user(role))


def test_changing_terms_is_a_version_that_says_before_and_after(world: Any) -> None:
    made = contract(world.acme, {"27130": "1500.00"})
    version = do_change_terms(made, note="Amendment 2", acting_user=world.user(
        Role.CLIENT_MANAGER), multiple_procedure_percent=Decimal("50"))
    assert "multiple procedure percent: None -> 50" in version.note
    terms = ContractBook(world.acme.pk).terms(made)
    assert terms.multiple_procedure_percent == Decimal("50")
    assert Line(1, "27130", date(2026, 3, 2), Decimal(1)).surgical
