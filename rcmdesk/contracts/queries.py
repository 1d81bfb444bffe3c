"""What the contract pages read, always through visibility: anyone who sees the client may
read its contracts (partners price their follow-up on them); only the client changes them.

"In force today" uses the client's own day and ``pricing.effective``, the rule pricing uses,
so the page shows exactly the rows a claim serviced today would be priced by.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rcmdesk.audit.services import record, record_listing
from rcmdesk.contracts.book import RATE_FIELDS
from rcmdesk.contracts.models import (
    Contract,
    ContractVersion,
    FeeRate,
    ReferenceSchedule,
)
from rcmdesk.contracts.pricing import Rate, effective
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action


@dataclass(frozen=True)
class ContractRow:
    contract: Contract
    in_force: int
    last: ContractVersion | None


def _rates(user: Any, contract_ids: list[int]) -> dict[int, dict[tuple[str, str, str],
                                                                  list[Rate]]]:
    by_contract: dict[int, dict[tuple[str, str, str], list[Rate]]] = defaultdict(
        lambda: defaultdict(list))
    for values in FeeRate.objects.visible_to(user).filter(
            contract_id__in=contract_ids).values_list(*RATE_FIELDS):
        pk, contract_id, version, *rest = values
        rate = Rate(pk, version, *rest)
        by_contract[contract_id][rate.key].append(rate)
    return by_contract


def in_force(rates: dict[tuple[str, str, str], list[Rate]], day: Any) -> list[Rate]:
    """The rows that apply on ``day``, one per key, ordered by code."""
    found = (effective(rows, day) for rows in rates.values())
    return sorted((r for r in found if r is not None), key=lambda r: r.key)


def contracts(user: Any) -> list[ContractRow]:
    """Every contract the person may see, with its rows in force today and last version."""
    shown = list(Contract.objects.visible_to(user).select_related(
        "client", "payer", "reference").order_by("client__name", "payer__name", "plan"))
    ids = [c.pk for c in shown]
    rates = _rates(user, ids)
    last: dict[int, ContractVersion] = {}
    for version in ContractVersion.objects.visible_to(user).filter(
            contract_id__in=ids).select_related("author").order_by("number"):
        last[version.contract_id] = version
    record_listing(shown, "contract", key="contracts")
    return [ContractRow(c, len(in_force(rates.get(c.pk, {}), c.client.today())),
                        last.get(c.pk)) for c in shown]


def contract(user: Any, contract_id: int) -> Contract:
    """One contract (404 when out of sight, as a missing one), read-audited."""
    found: Contract = Contract.objects.visible_to(user).select_related(
        "client", "payer", "reference").get_visible_or_404(user, pk=contract_id)
    require(user, Action.VIEW_TENANT_DATA, found.client_id)
    record("read", client_id=found.client_id, obj=found)
    return found


def rates_in_force(user: Any, found: Contract) -> list[Rate]:
    return in_force(_rates(user, [found.pk]).get(found.pk, {}), found.client.today())


def versions(user: Any, found: Contract) -> list[ContractVersion]:
    return list(ContractVersion.objects.visible_to(user).filter(contract=found)
                .select_related("author").order_by("-number"))


def version(user: Any, found: Contract, number: int) -> tuple[ContractVersion, list[FeeRate]]:
    chosen: ContractVersion = ContractVersion.objects.visible_to(user).select_related(
        "author").get_visible_or_404(user, contract=found, number=number)
    return chosen, list(FeeRate.objects.visible_to(user).filter(version=chosen).order_by(
        "procedure", "modifier", "place_of_service", "effective_from", "pk"))


def references(user: Any) -> list[ReferenceSchedule]:
    shown = list(ReferenceSchedule.objects.visible_to(user).select_related(
        "client", "loaded_by").order_by("client__name", "-year", "name"))
    record_listing(shown, "reference_schedule", key="schedules")
    return shown
