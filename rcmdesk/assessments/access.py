"""Who may open an assessment: the one question every page, the CLI and the API ask.

A prospect's client admin sees its own tenant's assessment (the visibility function); a
platform admin runs any assessment on a prospect's behalf (``RUN_ASSESSMENT``) and sees its
figures, never its claims (no visibility of the tenant's rows is granted). Anyone else: 404.
"""

from __future__ import annotations

from typing import Any

from rcmdesk.assessments.models import Assessment


def assessments_for(user: Any) -> Any:
    """The assessments ``user`` may open (a queryset)."""
    raise NotImplementedError("helper E writes this")


def assessment_for(user: Any, pk: int) -> Assessment:
    """The assessment, or Http404 when the user may not open it."""
    raise NotImplementedError("helper E writes this")
