"""Contract pages (stand-in: the contract an expected amount names, read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rcmdesk.audit.services import record
from rcmdesk.contracts.models import Contract
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action


@login_required
@require_GET
def contract(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The contract and its versions, for whoever may read the client's data (the claim
    workspace links here from an expected amount on the same question)."""
    found: Contract = (Contract.objects.select_related("payer", "reference")
                       .get_visible_or_404(request.user, pk=contract_id))
    require(request.user, Action.VIEW_TENANT_DATA, found.client_id)
    record("read", client_id=found.client_id, obj=found)
    versions = found.versions.select_related("author").order_by("-number")
    return render(request, "contracts/contract_detail.html",
                  {"contract": found, "versions": versions})
