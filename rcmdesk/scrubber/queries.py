"""Reading runs for the pages, the API and the command: findings grouped by rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from rcmdesk.playbooks.models import ClaimEdit
from rcmdesk.scrubber.models import ScrubFinding, ScrubRun
from rcmdesk.scrubber.registry import all_rules


@dataclass(frozen=True)
class RuleGroup:
    code: str
    severity: str
    title: str  # the built-in rule's title, or the client edit's message
    findings: int
    claims: int


def runs(user: Any) -> Any:
    return (ScrubRun.objects.visible_to(user).select_related("client", "created_by")
            .order_by("-created_at", "-pk"))


def get_run(user: Any, run_id: int) -> ScrubRun:
    run: ScrubRun = runs(user).get_visible_or_404(user, pk=run_id)
    return run


def titles(client_id: int) -> dict[str, str]:
    found = {r.code: r.title for r in all_rules()}
    for code, message in ClaimEdit.objects.filter(client_id=client_id).values_list("code",
                                                                                    "message"):
        found.setdefault(code, message)
    return found


def groups(run: ScrubRun) -> list[RuleGroup]:
    """One row per rule that fired: errors first, then the most frequent."""
    names = titles(run.client_id)
    rows = (ScrubFinding.objects.filter(run=run).values("code", "severity")
            .annotate(n=Count("id"), claims=Count("claim_id", distinct=True)))
    found = [RuleGroup(r["code"], r["severity"], names.get(r["code"], ""), r["n"],
                       r["claims"]) for r in rows]
    return sorted(found, key=lambda g: (g.severity != "error", -g.findings, g.code))


def findings(run: ScrubRun, code: str = "") -> QuerySet[ScrubFinding]:
    rows = ScrubFinding.objects.filter(run=run).select_related("claim")
    if code:
        rows = rows.filter(code=code)
    return rows.order_by("claim__patient_control_number", "line_number", "code", "pk")
