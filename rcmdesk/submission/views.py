"""Batch pages: the list with its submit button, one batch, the file download, rejections.

Every lookup goes through ``visible_to`` (another client's batch answers 404, exactly like
a missing one); the download of a file full of PHI is audited.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.accounts.requests import acting_user
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimStatus, FrontDoor
from rcmdesk.submission import overdue, queries, services, states
from rcmdesk.submission.models import BatchClaim, ProfileKind, SubmissionProfile
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow

PAGE_SIZE = 50


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    page = Paginator(queries.batches(user), PAGE_SIZE).get_page(request.GET.get("page"))
    batches = list(page)
    sendings = queries.sendings(batches)
    times = overdue.clocks(batches, {i: s.transmission for i, s in sendings.items()})
    return render(request, "submission/batch_list.html", {
        "page": page, "now": timezone.now(),
        "rows": [(b, queries.ack_due(b), sendings.get(b.outbound_id), times[b.pk])
                 for b in batches],
        "submit_clients": queries.submit_clients(user)})


@login_required
@require_POST
def submit_ready(request: HttpRequest) -> HttpResponse:
    """The "Scrub and send drafts" button: every unsent draft of one client is scrubbed
    again and the clean ones go out; the page says how many the scrubber held."""
    user = acting_user(request)
    client = next((c for c in queries.submit_clients(user)
                   if c.slug == request.POST.get("client")), None)
    if client is None:
        raise Http404("Not found.")
    try:
        sent = services.submit(client, acting_user=user)
    except services.SubmissionRefused as exc:
        messages.error(request, str(exc))
        return redirect("submission:batches")
    held = Claim.objects.filter(client=client, status=ClaimStatus.DRAFT,
                                front_door=FrontDoor.HELD).count()
    if held:
        messages.warning(request, f"{client.name}: the scrubber holds {held} draft(s); "
                                  "fix them on the Charges page.")
    if not sent:
        messages.info(request, f"{client.name}: no claim is ready to send.")
    for batch in sent:
        messages.success(request, f"Batch {batch.pk}: {batch.claims_count} claim(s) in an "
                                  f"837{batch.kind} file ({batch.outbound.name}).")
    return redirect("submission:batches")


@login_required
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = acting_user(request)
    batch = queries.batch(user, batch_id)
    entries = list(BatchClaim.objects.filter(batch=batch)
                   .select_related("claim", "claim__patient").order_by("set_control", "position"))
    how = states.sending(batch)
    found = states.rows(batch, entries, how)
    record("read", client_id=batch.client_id, obj=batch, acting_user=user)
    return render(request, "submission/batch_detail.html", {
        "batch": batch, "rows": found, "counts": states.counts(found), "sending": how,
        "ack_due": queries.ack_due(batch), "now": timezone.now(),
        "clock": overdue.clocks([batch], {batch.outbound_id: how.transmission})[batch.pk]})


@login_required
@require_GET
def batch_download(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = acting_user(request)
    batch = queries.batch(user, batch_id)
    out = type(batch.outbound).objects.get(pk=batch.outbound_id)
    record("submission.batch_downloaded", client_id=batch.client_id, obj=batch, acting_user=user,
           detail={"file": out.pk, "isa13": out.isa13})
    response = HttpResponse(bytes(out.content), content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{out.name}"'
    return response


@login_required
@require_GET
def rejections(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    page = Paginator(queries.open_rejections(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "submission/rejections.html", {"page": page})


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SubmissionProfile
        fields = list(services.PROFILE_FIELDS)


@login_required
def profile(request: HttpRequest, client_slug: str, kind: str = ProfileKind.BOTH
            ) -> HttpResponse:
    """Who the client's 837s say they are from and to: the client's own admin edits it."""
    user = acting_user(request)
    client = Organization.objects.visible_to(user).filter(slug=client_slug).first()
    if client is None or kind not in ProfileKind.values:
        raise Http404("Not found.")
    require(user, Action.EDIT_PLAYBOOKS, client.pk, Workflow.CHARGES_CLAIMS)
    current = services.profile_for(client, kind)
    form = ProfileForm(request.POST or None, instance=current if current.kind == kind else None,
                       initial={f: getattr(current, f) for f in services.PROFILE_FIELDS})
    if request.method == "POST" and form.is_valid():
        services.save_profile(client, kind, {f: form.cleaned_data[f]
                                                   for f in services.PROFILE_FIELDS},
                                                   acting_user=user)
        messages.success(request, "Submission profile saved.")
        return redirect("submission:profile", client_slug=client.slug, kind=kind)
    return render(request, "submission/profile.html", {
        "client": client, "kind": kind, "form": form, "kinds": ProfileKind.choices})
