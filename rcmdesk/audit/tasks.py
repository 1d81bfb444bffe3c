"""Background jobs of the audit trail, run by the database-backed task worker."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from rcmdesk.audit.sealer import seal_all
from rcmdesk.audit.services import record
from rcmdesk.audit.verification import verify_chains


@task(queue_name="default")
def verify_audit_chain() -> dict[str, Any]:
    """Recompute every chain off the request path; a break is itself put on the record, on
    the broken client's own trail."""
    reports = verify_chains()
    broken = [r.broken for r in reports if r.broken is not None]
    for b in broken:
        record("audit_chain_broken", client_id=b.chain or None,
               detail={"seq": b.seq, "reason": b.reason})
    return {"checked": sum(r.checked for r in reports),
            "broken": str(broken[0]) if broken else None,
            "chains": {str(r.chain): r.checked for r in reports},
            "warnings": [f"{r.client}: {w}" for r in reports for w in r.warnings]}


@task(queue_name="default")
def seal_audit_trail() -> dict[str, Any]:
    """Seal what no on-commit seal got to (a process that stopped right after its commit)."""
    return {"sealed": seal_all()}
