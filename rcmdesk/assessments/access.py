"""Who may open an assessment: the one question every page, the CLI and the API ask.

A prospect's client admin sees its own tenant's assessment (the visibility function); a
platform admin runs the assessment of any *prospect* on its behalf (``RUN_ASSESSMENT``) and
sees its figures, never its claims (no visibility of the tenant's rows is granted); once the
prospect becomes a client (``prospect`` cleared) its data is the client's alone and the
platform admin's way in is break-glass, as for any client. Anyone else: 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from rcmdesk import errors
from rcmdesk.assessments.models import Assessment
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.roles import Action, Role
from rcmdesk.tenancy.visibility import visibility_for


def assessments_for(user: Any) -> Any:
    """The assessments ``user`` may open (a queryset)."""
    if not allows(user, Action.RUN_ASSESSMENT):
        return Assessment.objects.none()
    if Role(user.role) is Role.PLATFORM_ADMIN:
        return Assessment.objects.filter(client__prospect=True)
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


class NotPlatformAdmin(errors.Forbidden):
    """Only a platform admin may do this (create or delete an assessment's tenant)."""


def require_platform_admin(user: Any) -> None:
    """A platform admin with RUN_ASSESSMENT, or refused."""
    require(user, Action.RUN_ASSESSMENT, None)
    if Role(user.role) is not Role.PLATFORM_ADMIN:
        raise NotPlatformAdmin("Only a platform admin may do this.")


def require_runner(user: Any, assessment: Assessment) -> None:
    """A platform admin on the prospect's behalf, or the prospect's own client admin (the
    same question ``access.assessment_for`` asks)."""
    if getattr(user, "is_authenticated", False) and Role(user.role) is Role.PLATFORM_ADMIN:
        require(user, Action.RUN_ASSESSMENT, None)
        return
    require(user, Action.RUN_ASSESSMENT, assessment.client_id)
