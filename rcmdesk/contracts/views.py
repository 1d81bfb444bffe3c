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
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The contract and its versions, for whoever may manage the client's contracts (the
    claim workspace links here from an expected amount on the same question)."""
    contract: Contract = (Contract.objects.select_related("payer", "reference")
                          .get_visible_or_404(request.user, pk=contract_id))
    require(request.user, Action.MANAGE_CONTRACTS, contract.client_id)
    record("read", client_id=contract.client_id, obj=contract)
    versions = contract.versions.select_related("author").order_by("-number")
    return render(request, "contracts/contract_detail.html",
                  {"contract": contract, "versions": versions})
