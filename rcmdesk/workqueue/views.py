"""The workbench, the item page and the team view.

Every lookup goes through ``visible_to`` (another tenant's item answers 404 like a missing
one); every change goes through ``services`` with the version the person saw, so a change
made meanwhile by someone else answers 409 with the current state instead of overwriting it.
Reading an item shows patient data and is audited; so is listing items.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.accounts.middleware import background_poll
from rcmdesk.accounts.services import user_named
from rcmdesk.arfollowup.services import request_status_for_items
from rcmdesk.audit.services import record
from rcmdesk.calendar import office_day
from rcmdesk.labels import label
from rcmdesk.playbooks.services import call_reference_required
from rcmdesk.tenancy.authz import allows, permits
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue import bulk, queries, services
from rcmdesk.workqueue.actionsets import action_set
from rcmdesk.workqueue.forms import ActionForm, BulkForm, ReassignForm, VersionForm
from rcmdesk.workqueue.models import (
    KIND_WORKFLOW,
    AgingBucket,
    ItemKind,
    ItemStatus,
    WorkItem,
)

PAGE_SIZE = 50
CONFLICT = ("This item was changed by someone else since you opened it — here is the current "
            "state. Your change was not saved; look it over and try again.")


def queue_workflows(user: Any) -> list[Workflow]:
    """Workflows with a queue this user may take work from (one "Get next" button each)."""
    if not allows(user, Action.WORK_ITEMS):
        return []
    visibility = visibility_for(user)
    return [wf for wf in dict.fromkeys(KIND_WORKFLOW.values())
            if visibility.clients_for(wf) - visibility.read_only_clients]


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    f = queries.ItemFilter.from_params(request.GET)
    page = Paginator(queries.search(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = list(queries.my_items(request.user)[:PAGE_SIZE])
    queries.audit_listing([*page, *mine], detail={"page": page.number, **vars(f)})
    can_assign = allows(request.user, Action.ASSIGN_WORK)
    return render(request, "workqueue/workbench.html", {
        "board": queries.board(queries.queue_counts(request.user)),
        "page": page, "rows": queries.rows(page), "mine": queries.rows(mine), "filter": f,
        "queues": queue_workflows(request.user),
        "can_assign": can_assign, "choices": queries.filter_choices(request.user),
        "workers": queries.eligible_workers(queries.assignable_scopes(request.user, f))
        if can_assign else [],
        "statuses": ItemStatus.values,
        "buckets": AgingBucket.values,
        "bulk_actions": [(a, w) for a, w in bulk.ACTION_WORDS.items()
                         if can_assign or a not in ("assign", "unassign")]})


@login_required
@require_GET
@background_poll
def counts(request: HttpRequest) -> HttpResponse:
    """The counts table alone, for HTMX to refresh without reloading the list (every 60 s:
    a background poll, which must never keep an idle workbench signed in)."""
    return render(request, "workqueue/_counts.html",
                  {"board": queries.board(queries.queue_counts(request.user))})


@login_required
@require_POST
def get_next(request: HttpRequest) -> HttpResponse:
    workflow = request.POST.get("workflow", "")
    wf = Workflow(workflow) if workflow in Workflow._value2member_map_ else None
    kind = request.POST.get("kind", "")
    return _next_item(request, wf, kind if kind in ItemKind.values else None)


def _next_item(request: HttpRequest, wf: Workflow | None, kind: str | None = None
               ) -> HttpResponse:
    """Lease the next item and open it; an empty queue says so on the workbench. Shared by
    "Get next" and "Record and get next" so both read the queue the same way."""
    item = services.claim_next(acting_user=request.user, workflow=wf, kind=kind)
    if item is None:
        queue = label(wf, "workflow") if wf else "work"
        messages.info(request, f"The {queue} queue is empty: nothing for you to take "
                      "right now.")
        return redirect("workqueue:workbench")
    return redirect("workqueue:item", item.pk)


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = reverse("workqueue:workbench") + _query(request.POST.get("query", ""))
    if not form.is_valid():
        messages.error(request, "Pick an action and at least one item.")
        return redirect(back)
    try:
        result = bulk.run(form.cleaned_data["action"], form.cleaned_data["ids"],
                          form.params(), acting_user=request.user)
    except bulk.BadRequest as exc:
        messages.error(request, str(exc))
        return redirect(back)
    words = bulk.ACTION_WORDS[form.cleaned_data["action"]]
    messages.info(request, f"{words}: {len(result.done)} done, "
                  f"{len(result.skipped)} skipped.")
    for pk, why in sorted(result.skipped.items())[:10]:
        messages.warning(request, f"#{pk}: {why}")
    return redirect(back)


def _query(raw: str) -> str:
    """The list's filters to return to (a query string only, never another address)."""
    raw = raw.lstrip("?")
    return f"?{raw}" if raw and "/" not in raw and ":" not in raw else ""


@login_required
@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_page(request, queries.get_item(request.user, item_id))


def _item_page(request: HttpRequest, item: WorkItem, *, status: int = 200,
               problem: str = "", form: ActionForm | None = None) -> HttpResponse:
    """The page, also after a refused change (it shows patient data, so each render is a read)."""
    record("read", client_id=item.client_id, obj=item)
    today = item.client.today()
    user = request.user
    form = form or ActionForm(initial={"version": item.version}, item_kind=item.kind)
    call_required = call_reference_required(item.client_id,
                                            item.claim.payer_id if item.claim else None)
    if call_required:
        form.fields["call_reference"].help_text = ("The client's playbook asks for it on every "
                                                   "payer call and portal check.")
    workflow = Workflow(item.workflow)
    can_assign = (item.status != ItemStatus.DONE
                  and permits(user, Action.ASSIGN_WORK, item.client_id, workflow))
    return render(request, "workqueue/item.html", {
        "p": queries.item_page(item, today), "problem": problem, "today": today,
        "form": form,
        "actions": action_set(item.kind),
        "holds": item.is_leased_to(user), "may_work": allows(user, Action.WORK_ITEMS),
        "can_work": allows(user, Action.WORK_ITEMS) and item.status != ItemStatus.DONE,
        "can_assign": can_assign, "call_required": call_required,
        "workers": queries.eligible_workers([(item.client_id, workflow)]) if can_assign else [],
    }, status=status)


def _change(request: HttpRequest, item_id: int, change: Any) -> HttpResponse:
    """Run one change on the item; conflicts answer 409 and refusals 403, with the page."""
    item = queries.get_item(request.user, item_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, status=400, problem="The form lost the item's "
                          "version; reload the page.")
    try:
        outcome = change(item, form.cleaned_data["version"])
    except services.Conflict:
        return _item_page(request, queries.get_item(request.user, item_id), status=409,
                          problem=CONFLICT)
    except services.NotAllowed as exc:
        return _item_page(request, item, status=403, problem=str(exc))
    if isinstance(outcome, HttpResponse):
        return outcome
    return redirect("workqueue:item", item.pk)


@login_required
@require_POST
def item_claim(request: HttpRequest, item_id: int) -> HttpResponse:
    return _change(request, item_id,
                   lambda item, version: services.claim(item, version, acting_user=request.user))


@login_required
@require_POST
def item_release(request: HttpRequest, item_id: int) -> HttpResponse:
    def release(item: WorkItem, version: int) -> HttpResponse:
        services.release(item, version, acting_user=request.user)
        messages.info(request, "Released: the item is back in the queue.")
        return redirect("workqueue:workbench")

    return _change(request, item_id, release)


@login_required
@require_POST
def item_act(request: HttpRequest, item_id: int) -> HttpResponse:
    def act(item: WorkItem, version: int) -> HttpResponse | None:
        form = ActionForm(request.POST, item_kind=item.kind)
        if not form.is_valid():
            return _item_page(request, item, status=400, form=form,
                              problem="Some fields need attention.")
        try:
            changed = services.act(item, version, form.step(), acting_user=request.user)
        except services.CallLogProblem as exc:
            form.add_error("call_reference", str(exc))
            return _item_page(request, item, status=400, form=form, problem=str(exc))
        if "next" in request.POST:  # "Record and get next": same workflow, no detour
            messages.info(request, f"Recorded #{changed.pk}; it is now "
                          f"{changed.get_status_display()}.")
            return _next_item(request, Workflow(changed.workflow))
        if changed.status == ItemStatus.IN_PROGRESS:
            return None
        messages.info(request, f"Recorded; the item is now {changed.get_status_display()}.")
        return redirect("workqueue:workbench")

    return _change(request, item_id, act)


@login_required
@require_POST
def item_snooze(request: HttpRequest, item_id: int) -> HttpResponse:
    """Put the item aside until a day (the bulk snooze, for one item): back to the list."""
    return _one(request, item_id, "snooze", bulk.Params(until=_day(request.POST.get("until"))),
                done="Snoozed #{pk} until {until}.", back=reverse("workqueue:workbench"))


@login_required
@require_POST
def item_assign(request: HttpRequest, item_id: int) -> HttpResponse:
    """Give the item to a person picked from those who may work it (the bulk assign, for
    one item): the page again, showing the new assignee."""
    return _one(request, item_id, "assign",
                bulk.Params(assignee=request.POST.get("assignee", "")[:150]),
                done="Assigned #{pk}.", back=reverse("workqueue:item", args=[item_id]))


def _one(request: HttpRequest, item_id: int, action: str, params: bulk.Params, *, done: str,
         back: str) -> HttpResponse:
    """One bulk action on one item, answered on the item's page when it is refused."""
    item = queries.get_item(request.user, item_id)
    try:
        result = bulk.run(action, [item.pk], params, acting_user=request.user)
    except bulk.BadRequest as exc:
        return _item_page(request, item, status=400, problem=str(exc))
    if item.pk in result.skipped:
        return _item_page(request, queries.get_item(request.user, item_id), status=409,
                          problem=result.skipped[item.pk])
    until = office_day(params.until) if params.until else ""
    messages.info(request, done.format(pk=item.pk, until=until))
    return redirect(back)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


@login_required
@require_POST
def item_status_request(request: HttpRequest, item_id: int) -> HttpResponse:
    """Ask the payer where the item's claim stands (a 276); the answer (277) shows on the
    page when it comes in."""
    item = queries.get_item(request.user, item_id)
    result = request_status_for_items([item], acting_user=request.user)
    if item.pk in result.skipped:
        return _item_page(request, item, status=400, problem=result.skipped[item.pk])
    messages.info(request, "Claim status request (276) written: the payer's answer (277) "
                           "will show here.")
    return redirect("workqueue:item", item.pk)


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    people, unassigned = queries.team(request.user, timezone.now())
    return render(request, "workqueue/team.html", {
        "people": people, "unassigned": unassigned, "now": timezone.now(),
        "form": ReassignForm(), "workflows": queries.filter_choices(request.user).workflows,
        "workers": queries.eligible_workers(queries.assignable_scopes(request.user))})


@login_required
@require_POST
def team_reassign(request: HttpRequest) -> HttpResponse:
    """Move every active item of one person to another (e.g. someone left)."""
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name who to move items from and to.")
        return redirect("workqueue:team")
    data = form.cleaned_data
    try:
        result = bulk.reassign(from_username=data["from_user"], to=user_named(data["to_user"]),
                               workflow=data.get("workflow") or None, acting_user=request.user)
    except bulk.BadRequest as exc:
        messages.error(request, str(exc))
        return redirect("workqueue:team")
    messages.info(request, f"Moved {len(result.done)} item(s) from {data['from_user']} to "
                  f"{data['to_user']}; {len(result.skipped)} skipped.")
    for pk, why in sorted(result.skipped.items())[:10]:
        messages.warning(request, f"#{pk}: {why}")
    return redirect("workqueue:team")
