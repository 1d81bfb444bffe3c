"""Looking up the payer rules in force, with one query per client."""

from __future__ import annotations

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
