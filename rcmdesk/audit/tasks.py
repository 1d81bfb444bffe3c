"""Background jobs of the audit trail, run by the database-backed task worker."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from rcmdesk.audit.services import record, verify


@task(queue_name="default")
def verify_audit_chain() -> dict[str, Any]:
    """Recompute the chain off the request path; a break is itself put on the record."""
    checked, broken = verify()
    if broken is not None:
        record("audit_chain_broken", client_id=None,
               detail={"seq": broken.seq, "reason": broken.reason})
    return {"checked": checked, "broken": str(broken) if broken else None}
