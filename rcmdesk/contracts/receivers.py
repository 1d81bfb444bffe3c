"""Receivers: the variances and recoupments of a committed file's 835s.

Connected to intake's ``file_applied`` in ``ContractsConfig.ready``. The file is committed
before this runs, so a failure here never fails or undoes the ingest: it is logged, and
``producers.sync_client`` (the queue refresh) catches up.
"""

from __future__ import annotations

import logging
from typing import Any

from rcmdesk.contracts import recoupments, variance

log = logging.getLogger(__name__)


def on_file_applied(sender: Any, received: Any, **kwargs: Any) -> None:
    """Assess the posted lines and trace the takebacks of the file's remittances.

    A prospect's files are history to measure: its lines are still compared with its
    contracts (the assessment reports the underpaid ones; ``variance.assess`` opens no item
    for a prospect), but its takebacks are not traced, since a recoupment is only ever a
    work item and an assessment reports none."""
    try:
        ids = list(received.remittances.values_list("pk", flat=True))
        if not ids:  # an 837, 999, 277...: nothing was paid or taken back
            return
        client = received.client
        today = client.today()
        variance.assess(client, ids, today)
        if not client.prospect:
            recoupments.trace(client, ids, today)
    except Exception:
        log.exception("variances and recoupments failed for file %s; the next queue refresh "
                      "will catch up", getattr(received, "pk", "?"))
