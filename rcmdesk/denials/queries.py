"""Reads of appeals for the pages, the API and the CLI: what a user may see, filtered, each
with its state in words and its deadline flag; listings audited once per client."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from rcmdesk.audit.services import record_listing
from rcmdesk.claims.models import Claim, Payer
from rcmdesk.denials.deadlines import DeadlineFlag, deadline_flag, flagged
from rcmdesk.denials.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealStatus,
)
from rcmdesk.tenancy.models import on_client_days

LIST_LIMIT = 500
STATES = ("open", "closed", "all", *AppealStatus.values)
DEADLINES = ("", "flagged", "past", "near")


@dataclass(frozen=True)
class AppealFilter:
    state: str = "open"  # open, closed, all, or one status
    level: int | None = None
    payer: int | None = None  # a Payer id; another client's answers like a missing one
    deadline: str = ""  # flagged (past or near), past, near
    client: str = ""  # slug
    q: str = ""  # claim number or patient name

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> AppealFilter:
        """Unknown values fall back to no filter, never to an error page."""
        state = str(params.get("state") or "open")
        deadline = str(params.get("deadline") or "")
        return cls(state=state if state in STATES else "open",
                   level=_number(params.get("level")), payer=_number(params.get("payer")),
                   deadline=deadline if deadline in DEADLINES else "",
                   client=str(params.get("client") or "")[:60],
                   q=str(params.get("q") or "").strip()[:100])

    def as_params(self) -> dict[str, Any]:
        return {"state": self.state, "level": self.level, "payer": self.payer,
                "deadline": self.deadline, "client": self.client, "q": self.q}


def _number(value: Any) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@dataclass(frozen=True)
class AppealRow:
    """An appeal as every list shows it: the row, its state in words, its deadline flag."""

    appeal: Appeal
    flag: DeadlineFlag

    @property
    def state(self) -> str:
        return self.appeal.state_label


RELATED = ("client", "claim", "claim__payer", "item", "previous", "paid_by__remittance")


def visible(user: Any) -> Any:
    return Appeal.objects.visible_to(user).select_related(*RELATED)


def get_appeal(user: Any, appeal_id: int) -> Appeal:
    appeal: Appeal = Appeal.objects.select_related(*RELATED).get_visible_or_404(user,
                                                                               pk=appeal_id)
    return appeal


def appeals(user: Any, f: AppealFilter | None = None) -> Any:
    """The appeals list: deadlines first (the soonest at the top), then the newest."""
    f = f or AppealFilter()
    rows = visible(user)
    if f.state == "open":
        rows = rows.exclude(status__in=CLOSED_STATUSES)
    elif f.state == "closed":
        rows = rows.filter(status__in=CLOSED_STATUSES)
    elif f.state != "all":
        rows = rows.filter(status=f.state)
    if f.level is not None:
        rows = rows.filter(level=f.level)
    if f.payer is not None:
        rows = rows.filter(claim__payer_id=f.payer)
    if f.client:
        rows = rows.filter(client__slug=f.client)
    for word in f.q.split()[:4]:
        rows = rows.filter(Q(claim__patient_control_number__icontains=word)
                           | Q(claim__payer_claim_control_number__icontains=word)
                           | Q(claim__patient__last_name__icontains=word)
                           | Q(claim__patient__first_name__icontains=word))
    if f.deadline:
        rows = rows.filter(on_client_days(timezone.now(), flagged(f.deadline)))
    return rows.order_by(F("deadline").asc(nulls_last=True), "-id")


def rows(found: Iterable[Appeal]) -> list[AppealRow]:
    return [AppealRow(a, deadline_flag(a)) for a in found]


def claim_appeals(user: Any, claim: Claim) -> list[AppealRow]:
    """What the claim page shows of its appeals: each with its state and deadline flag,
    level by level (the claim page audits its own read)."""
    return rows(visible(user).filter(claim=claim).order_by("level", "id"))


def payers(user: Any) -> list[Payer]:
    """The payers the list can filter by: those of appeals the user can see."""
    ids = Appeal.objects.visible_to(user).values("claim__payer_id")
    return list(Payer.objects.filter(pk__in=ids).order_by("name", "id"))


def audit_listing(shown: Iterable[Appeal], *, detail: dict[str, Any]) -> None:
    """Claims and amounts were shown: one event per client, naming the appeals."""
    record_listing(shown, "denials.appeal", key="appeals", detail=detail)
