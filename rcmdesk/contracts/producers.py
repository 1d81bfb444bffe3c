"""The contracts' catch-up: variances and recoupments no event wrote, items rescored.

``receivers.on_file_applied`` does the work as each file's 835s commit; a failure there is
logged and left to this, which ``workqueue.producers.sync_client`` runs (the nightly queue
refresh and ``rcmdesk queue refresh``). Idempotent, as every producer.
"""

from __future__ import annotations

from datetime import date

from rcmdesk.contracts import recoupments, variance
from rcmdesk.contracts.models import Recoupment
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers.common import Written


def sync_client(client: Organization, today: date) -> dict[str, Written]:
    """Assess and trace what is missing, then refresh the open items; what changed by item
    kind (overpayments counted with underpayments)."""
    _n, found = variance.assess(client, variance.unassessed_remittances(client.pk), today)
    found.add(variance.rescore(client.pk, today))
    _m, traced = recoupments.trace(client, recoupments.untraced_remittances(client.pk), today)
    open_items = WorkItem.objects.active().filter(
        client_id=client.pk, kind=ItemKind.RECOUPMENT).values_list("source_key", flat=True)
    ids = [int(k.split(":", 1)[1]) for k in open_items if k.split(":", 1)[1].isdigit()]
    pending = Recoupment.objects.filter(client_id=client.pk, correction__isnull=True)
    traced.add(recoupments.explain(client.pk, pending | Recoupment.objects.filter(
        client_id=client.pk, pk__in=ids), today))
    return {"underpayment": found, "recoupment": traced}
