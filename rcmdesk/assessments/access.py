"""Who may open an assessment: the one question every page, the CLI and the API ask.

A prospect's client admin sees its own tenant's assessment (the visibility function); a
platform admin runs any assessment on a prospect's behalf (``RUN_ASSESSMENT``) and sees its
figures, never its claims (no visibility of the tenant's rows is granted). Anyone else: 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from rcmdesk.assessments.models import Assessment
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action, Role
from rcmdesk.tenancy.visibility import visibility_for


def assessments_for(user: Any) -> Any:
    """The assessments ``user`` may open (a queryset)."""
    if not allows(user, Action.RUN_ASSESSMENT):
        return Assessment.objects.none()
    if Role(user.role) is Role.PLATFORM_ADMIN:
        return Assessment.objects.all()
    return Assessment.objects.visible_to(user)


def assessment_for(user: Any, assessment_id: int) -> Assessment:
    """The assessment, or Http404 when the user may not open it."""
    found: Assessment | None = (assessments_for(user).select_related("client")
                                .filter(pk=assessment_id).first())
    if found is None:
        raise Http404("No such assessment.")
    return found


def sees_claims(user: Any, assessment: Assessment) -> bool:
    """Whether pages may link ``user`` to the tenant's claims (its own admin: yes; a platform
    admin working on the prospect's behalf: no)."""
    return visibility_for(user).can_see(assessment.client_id)


def loaded_files(assessment: Assessment) -> Any:
    """The files received into the assessment's tenant, newest first: what the workspace
    shows whoever may open the assessment (names and outcomes, never their claims)."""
    from rcmdesk.intake.models import ReceivedFile

    return (ReceivedFile.objects.filter(client_id=assessment.client_id)
            .only("pk", "client_id", "original_name", "kind", "status", "reason", "channel",
                  "received_at", "size")
            .order_by("-received_at", "-id"))
