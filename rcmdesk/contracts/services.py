"""Changing contracts: every change is the client's, audited, and a new version.

``acting_user`` None is the system itself (the demo, the benchmark, a command run by an
operator); a person must hold ``MANAGE_CONTRACTS`` for the client, which no partner role
can (it is client-only). After a change, the open claims the contract prices get their
expected amounts again (``expected.recompute_open_claims``), outside the change's
transaction so no claim row is held while a large client is repriced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from rcmdesk.audit.services import record
from rcmdesk.claims.models import Payer
from rcmdesk.contracts import expected
from rcmdesk.contracts.models import Contract, ContractVersion, FeeRate, RateBasis
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action

TERM_FIELDS = ("name", "reference", "reference_percent", "multiple_procedure_percent",
               "bilateral_percent", "tolerance_amount", "tolerance_percent", "active")


@dataclass(frozen=True)
class RateRow:
    """One fee-schedule row to add (a new version's row; rows are never edited)."""

    procedure: str
    effective_from: date
    basis: str = RateBasis.FEE
    amount: Decimal | None = None
    percent: Decimal | None = None
    modifier: str = ""
    place_of_service: str = ""
    effective_to: date | None = None
    removed: bool = False


def client_decides(client_id: int, *, acting_user: Any) -> None:
    """Contracts are the client's terms: a person needs MANAGE_CONTRACTS (client-only)."""
    if acting_user is not None:
        require(acting_user, Action.MANAGE_CONTRACTS, client_id)


def do_create_contract(client: Organization, payer: Payer, *, name: str, plan: str = "",
                       acting_user: Any, **terms: Any) -> Contract:
    """A new contract with no rows yet (rows come as versions: ``do_add_version``)."""
    client_decides(client.pk, acting_user=acting_user)
    if payer.client_id != client.pk:
        raise ValueError("the payer belongs to another client")
    with transaction.atomic():
        contract = Contract.objects.create(
            client=client, payer=payer, plan=plan.strip().upper(), name=name,
            created_by=acting_user if acting_user is not None else None,
            **{k: v for k, v in terms.items() if k in TERM_FIELDS})
        record("contracts.contract_created", client_id=client.pk, obj=contract,
               acting_user=acting_user, detail={"payer": payer.name, "plan": contract.plan,
                                                "name": name})
    return contract


def do_add_version(contract: Contract, rows: Sequence[RateRow], *, note: str,
                   source: str = "", acting_user: Any,
                   reprice: bool = True) -> ContractVersion:
    """Append one version with its rows; then reprice the contract's open claims.

    The contract row is locked only to number the version; ``reprice`` False leaves the
    repricing to the caller (a bulk load that reprices once at the end).
    """
    client_decides(contract.client_id, acting_user=acting_user)
    if not note.strip():
        raise ValueError("say why the contract changed: a version needs a note")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ContractVersion.objects.create(
            contract=locked, number=number, note=note.strip(), source=source,
            author=acting_user if acting_user is not None else None)
        FeeRate.objects.bulk_create(
            [FeeRate(contract=locked, version=version, **asdict(row)) for row in rows],
            batch_size=1000)
        record("contracts.version_added", client_id=contract.client_id, obj=version,
               acting_user=acting_user, detail={"contract": contract.pk, "number": number,
                                                "rows": len(rows), "source": source,
                                                "note": note.strip()[:500]})
    if reprice:
        expected.recompute_open_claims(contract)
    return version


def do_change_terms(contract: Contract, *, note: str, acting_user: Any,
                    **changes: Any) -> ContractVersion:
    """Change the contract's terms (reductions, tolerance, reference): a version with no
    rows whose note records before and after, then reprice."""
    client_decides(contract.client_id, acting_user=acting_user)
    unknown = set(changes) - set(TERM_FIELDS)
    if unknown:
        raise ValueError(f"not a contract term: {', '.join(sorted(unknown))}")
    before = {k: str(getattr(contract, k)) for k in changes}
    for name, value in changes.items():
        setattr(contract, name, value)
    after = {k: str(getattr(contract, k)) for k in changes}
    summary = "; ".join(f"{k.replace('_', ' ')}: {before[k]} -> {after[k]}" for k in changes)
    with transaction.atomic():
        contract.save(update_fields=list(changes))
        version = do_add_version(contract, [], note=f"{note.strip()} ({summary})",
                                 source="terms", acting_user=acting_user, reprice=False)
    expected.recompute_open_claims(contract)
    return version
