"""The one NinjaAPI object; each app contributes a router from its own ``api.py``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from rcmdesk.api.auth import AUTH
from rcmdesk.api.parser import UntrustedJSONParser, refusal

api = NinjaAPI(
    title="rcmdesk API",
    version="1",
    description="Tenant-scoped API of the rcmdesk back office. Objects outside your "
    "visibility answer 404, exactly like missing ones.",
    auth=AUTH,
    urls_namespace="api",
    parser=UntrustedJSONParser(),
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own errors; a body refused by a cap on untrusted JSON says which and where."""
    return api.create_response(request, {"detail": refusal(exc) or str(exc)},
                               status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)


def _register() -> None:
    from rcmdesk.accounts.api import router as accounts_router
    from rcmdesk.audit.api import router as audit_router
    from rcmdesk.claims.api import router as claims_router
    from rcmdesk.intake.api import router as intake_router
    from rcmdesk.remits.api import router as remits_router
    from rcmdesk.tenancy.api import router as tenancy_router
    from rcmdesk.workqueue.api import router as work_router

    api.add_router("/", accounts_router)
    api.add_router("/", tenancy_router)
    api.add_router("/audit", audit_router)
    api.add_router("/reconciliation", "rcmdesk.remits.deposit_api.router")
    api.add_router("/intake", intake_router)
    api.add_router("/claims", claims_router)
    api.add_router("/", remits_router)
    api.add_router("/work", work_router)
    api.add_router("/visits", "rcmdesk.eligibility.api.router")
    api.add_router("/auths", "rcmdesk.priorauth.api.router")
    api.add_router("/charges", "rcmdesk.charges.api.router")
    api.add_router("/scrubber", "rcmdesk.scrubber.api.router")
    api.add_router("/batches", "rcmdesk.submission.api.router")
    api.add_router("/playbook", "rcmdesk.playbooks.api.router")
    api.add_router("/decisions", "rcmdesk.decisions.api.router")
    api.add_router("/escalations", "rcmdesk.escalations.api.router")
    api.add_router("/qa", "rcmdesk.qa.api.router")
    api.add_router("/reports", "rcmdesk.reports.api.router")
    api.add_router("/capacity", "rcmdesk.capacity.api.router")


_register()
