"""The one NinjaAPI object; each app contributes a router from its own ``api.py``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation

from rcmdesk.api.auth import AUTH
from rcmdesk.api.parsing import RefusedInput, StorableInput
from rcmdesk.api.problems import (
    NOT_FOUND,
    InvalidRequest,
    Problem,
    describe_invalid,
    methods_as_problems,
)
from rcmdesk.errors import DomainError
from rcmdesk.untrusted import Refused

# What any operation may answer besides its own documented outcomes, always as a Problem.
COMMON_ERRORS: dict[int, tuple[str, type[Problem]]] = {
    400: ("The request could not be read: malformed JSON or form, an oversized part, or a "
          "value the server cannot store (a number past 64 bits, a NUL character).", Problem),
    401: ("No valid API token or signed-in, verified session.", Problem),
    403: ("Your role may not do this here, or a session write came without its CSRF token.",
          Problem),
    404: ("Not found, or outside what you may see (answered exactly alike).", Problem),
    422: ("A parameter or body field is invalid; ``errors`` names each one.", InvalidRequest),
}


class DocumentedErrors(OpenAPISchema):
    """The OpenAPI document, with the common error answers on every operation so a client
    (and the schemathesis run in api/tests) can rely on every status it gets being listed."""

    def responses(self, operation: Operation) -> dict[int, Any]:
        result: dict[int, Any] = super().responses(operation)
        for status, (description, schema) in COMMON_ERRORS.items():
            if status not in result:
                result[status] = {"description": description, "content": {
                    "application/json": {"schema": self._component(schema)}}}
            elif not _answers_a_problem(operation, status):
                # The route's own refusal, or a Problem when the request never reached it.
                content = result[status]["content"]["application/json"]
                content["schema"] = {"anyOf": [content["schema"], self._component(schema)]}
        return result

    def _component(self, schema: type[Problem]) -> dict[str, str]:
        definition = schema.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        nested = definition.pop("$defs", {})
        self.add_schema_definitions({schema.__name__: definition, **nested})
        return {"$ref": REF_TEMPLATE.format(model=schema.__name__)}

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        """Refuse two different schemas under one name: ninja would silently keep the
        last, and the document would then describe some route's answer wrongly."""
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise ValueError(f"Two API schemas are both called {name!r}; rename one.")
        super().add_schema_definitions(definitions)


def _answers_a_problem(operation: Operation, status: int) -> bool:
    model = operation.response_models.get(status)
    declared = getattr(model, "model_fields", {}).get("response")
    kind = declared.annotation if declared is not None else None
    return isinstance(kind, type) and issubclass(kind, Problem)


class RcmdeskApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DocumentedErrors(self, path_prefix)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if isinstance(url, URLPattern):
                url.callback = methods_as_problems(url.callback)
        return urls


api = RcmdeskApi(
    title="rcmdesk API",
    version="1",
    description="Tenant-scoped API of the rcmdesk back office. Objects outside your "
    "visibility answer 404, exactly like missing ones. Authenticate with an API token "
    "(`Authorization: Bearer …`, for reads and writes) or a signed-in browser session "
    "(writes need the CSRF token). Every error is a JSON Problem: `{\"detail\": \"…\"}`.",
    auth=AUTH,
    urls_namespace="api",
    parser=StorableInput(),
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Every service refusal, in the service's own words, at its kind's status: the one
    place the API maps domain errors (a route documents the status, never catches it)."""
    body: dict[str, Any] = {"detail": exc.detail, **exc.facts()}
    if exc.http_status == 422:  # COMMON_ERRORS documents a 422 as InvalidRequest
        body["errors"] = []
    return api.create_response(request, body, status=exc.http_status)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages), "errors": []},
                               status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own errors; a body the parser refused says which limit and where."""
    reason = exc.__cause__  # ninja wraps what the body parser raised
    detail = str(reason) if isinstance(reason, RefusedInput | Refused) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(RefusedInput)
def refused_input(request: HttpRequest, exc: RefusedInput) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    detail, errors = describe_invalid(exc.errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


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
    api.add_router("/attachments", "rcmdesk.attachments.api.router")
    api.add_router("/appeals", "rcmdesk.denials.api.router")
    api.add_router("/escalations", "rcmdesk.escalations.api.router")
    api.add_router("/qa", "rcmdesk.qa.api.router")
    api.add_router("/reports", "rcmdesk.reports.api.router")
    api.add_router("/capacity", "rcmdesk.capacity.api.router")


_register()
