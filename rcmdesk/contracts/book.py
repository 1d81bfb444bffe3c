"""A client's contracts read once, ready to price many claims: the one loader.

Expected amounts at claim build, their recomputation, the import preview and the variance
check all price through this book, so they cannot disagree on which contract or row
applies. Rows of every version are loaded (``pricing.effective`` chooses per date of
service); a client has a few thousand rows at most, read in one query per table.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from rcmdesk.contracts.models import Contract, FeeRate, ReferenceRate
from rcmdesk.contracts.pricing import Rate, Schedule, Terms

RATE_FIELDS = ("pk", "contract_id", "version__number", "procedure", "modifier",
               "place_of_service", "basis", "amount", "percent", "effective_from",
               "effective_to", "removed")


class ContractBook:
    """The active contracts of one client (or only ``contract_ids``) with their rows."""

    def __init__(self, client_id: int, contract_ids: list[int] | None = None):
        contracts = Contract.objects.filter(client_id=client_id, active=True)
        if contract_ids is not None:
            contracts = contracts.filter(pk__in=contract_ids)
        self.contracts: dict[int, Contract] = {c.pk: c for c in contracts}
        self._by_payer: dict[tuple[int, str], Contract] = {
            (c.payer_id, c.plan.strip().upper()): c for c in self.contracts.values()}
        rows: dict[int, list[Rate]] = defaultdict(list)
        for values in FeeRate.objects.filter(contract_id__in=list(self.contracts)).values_list(
                *RATE_FIELDS):
            pk, contract_id, version, *rest = values
            rows[contract_id].append(Rate(pk, version, *rest))
        self._schedules = {pk: Schedule(rows[pk]) for pk in self.contracts}
        self._reference = self._load_references()

    def contract_for(self, payer_id: int, group_number: str = "") -> Contract | None:
        """The payer's contract for the claim's plan (SBR03), else its contract for any plan."""
        plan = (group_number or "").strip().upper()
        return (self._by_payer.get((payer_id, plan)) if plan else None) or self._by_payer.get(
            (payer_id, ""))

    def schedule(self, contract: Contract) -> Schedule:
        return self._schedules[contract.pk]

    def terms(self, contract: Contract) -> Terms:
        table = self._reference.get(contract.reference_id or 0, {})

        def reference(procedure: str, modifier: str) -> tuple[Decimal, Decimal] | None:
            return table.get((procedure, modifier)) or (table.get((procedure, ""))
                                                         if modifier else None)

        return Terms(reference_percent=(contract.reference_percent
                                        if contract.reference_id else None),
                     multiple_procedure_percent=contract.multiple_procedure_percent,
                     bilateral_percent=contract.bilateral_percent, reference=reference)

    def _load_references(self) -> dict[int, dict[tuple[str, str], tuple[Decimal, Decimal]]]:
        ids = {c.reference_id for c in self.contracts.values() if c.reference_id}
        tables: dict[int, dict[tuple[str, str], tuple[Decimal, Decimal]]] = defaultdict(dict)
        for schedule_id, procedure, modifier, non_facility, facility in (
                ReferenceRate.objects.filter(schedule_id__in=ids).values_list(
                    "schedule_id", "procedure", "modifier", "non_facility", "facility")):
            tables[schedule_id][(procedure, modifier)] = (non_facility, facility)
        return tables
