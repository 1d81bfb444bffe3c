"""The findings of one tenant, measured by grouped queries (definitions: ``figures``)."""

from __future__ import annotations

from datetime import date

from rcmdesk.assessments.figures import Findings


def measure(client_id: int, as_of: date) -> Findings:
    """The findings of one tenant as of ``as_of`` (grouped queries; no per-claim query)."""
    raise NotImplementedError("helper B writes this")
