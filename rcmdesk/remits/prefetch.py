"""The claims an 835 may post to, loaded (and locked) together instead of one per CLP.

``ClaimIndex.load`` takes every claim named by a CLP01 or CLP07 of the set, in pk order and
``select_for_update`` (PostgreSQL; SQLite runs its write transactions IMMEDIATE), and their
lines. Lookups then answer as the per-claim queries did (``.first()``: the lowest pk), and
``set_ccn`` keeps the CLP07 index current when posting records a new payer claim number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q

from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.tenancy.models import Organization

CHUNK = 500
# What posting reads and writes of a claim; the rest (dates, parties) is not read.
POSTED_FIELDS = ("client", "patient_control_number", "payer_claim_control_number", "status",
                 "secondary_flag", "insurance_balance", "patient_balance")


class IndexedLine(NamedTuple):
    """What matching reads of a claim line (read as values, not model instances)."""

    pk: int
    procedure: str
    control_number: str


class ClaimIndex:
    def __init__(self, client: Organization) -> None:
        self.client = client
        self.claims: dict[int, Claim] = {}
        self.pcn: dict[str, Claim] = {}
        self.ccn: dict[str, dict[int, Claim]] = {}
        self.lines: dict[int, list[IndexedLine]] = {}

    def load(self, pcns: Iterable[str], ccns: Iterable[str]) -> None:
        pcn_list = sorted({p for p in pcns if p})
        ccn_list = sorted({c for c in ccns if c})
        for start in range(0, max(len(pcn_list), len(ccn_list)), CHUNK):
            self._load(pcn_list[start:start + CHUNK], ccn_list[start:start + CHUNK])

    def _load(self, pcns: list[str], ccns: list[str]) -> None:
        found = Claim.objects.select_for_update().filter(client=self.client).filter(
            Q(patient_control_number__in=pcns) | Q(payer_claim_control_number__in=ccns),
        ).only(*POSTED_FIELDS)
        new = [c for c in found.order_by("pk") if c.pk not in self.claims]
        for claim in new:
            self.claims[claim.pk] = claim
            self.pcn[claim.patient_control_number] = claim
            self.lines[claim.pk] = []
            if claim.payer_claim_control_number:
                self.ccn.setdefault(claim.payer_claim_control_number, {})[claim.pk] = claim
        lines = ClaimLine.objects.filter(claim_id__in=[c.pk for c in new])
        for claim_id, *line in lines.order_by("claim_id", "line_number").values_list(
                "claim_id", "pk", "procedure", "control_number"):
            self.lines[claim_id].append(IndexedLine(*line))

    def by_pcn(self, pcn: str) -> Claim | None:
        return self.pcn.get(pcn)

    def by_ccn(self, ccn: str) -> Claim | None:
        found = self.ccn.get(ccn)
        return found[min(found)] if found else None

    def set_ccn(self, claim: Claim, ccn: str) -> None:
        old = claim.payer_claim_control_number
        if old == ccn:
            return
        if old:
            self.ccn.get(old, {}).pop(claim.pk, None)
        claim.payer_claim_control_number = ccn
        self.ccn.setdefault(ccn, {})[claim.pk] = claim
