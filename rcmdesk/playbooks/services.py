"""Looking up the payer rules in force, with one query per client."""

from __future__ import annotations

from django.db.models import Q

from rcmdesk.claims.models import Payer
from rcmdesk.playbooks.models import PayerRule
from rcmdesk.playbooks.rules import Deadlines, resolve


class DeadlineBook:
    """Every payer's deadlines for one client, loaded once (producers score many claims)."""

    def __init__(self, client_id: int) -> None:
        rules = list(PayerRule.objects.filter(client_id=client_id))
        self._client_rule = next((r for r in rules if r.payer_id is None), None)
        self._by_payer = {r.payer_id: r for r in rules if r.payer_id is not None}
        self._cache: dict[int, Deadlines] = {}

    def for_payer(self, payer: Payer) -> Deadlines:
        if payer.pk not in self._cache:
            self._cache[payer.pk] = resolve(payer.kind, payer.timely_filing_days,
                                            self._client_rule, self._by_payer.get(payer.pk))
        return self._cache[payer.pk]


def call_reference_required(client_id: int, payer_id: int | None) -> bool:
    """Whether the client's playbook wants the payer's call reference number on every payer
    call and portal check: the payer's own rule when it says, else the rule for every payer
    (one query)."""
    said: dict[int | None, bool] = dict(
        PayerRule.objects.filter(client_id=client_id, call_reference_required__isnull=False)
        .filter(Q(payer__isnull=True) | Q(payer_id=payer_id))
        .values_list("payer_id", "call_reference_required"))
    if payer_id is not None and payer_id in said:
        return bool(said[payer_id])
    return bool(said.get(None, False))
