"""The assessment workspace: assessments, a new one, files, settings, computing, deletion
and its certificates.

Thin: every page asks ``access.assessment_for`` (404 for an assessment the person may not
open) and the services ask the role again. Creating and deleting an assessment, and the
certificates, are a platform admin's; the prospect's own client admin loads its files,
changes its settings and computes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.assessments import access, purge
from rcmdesk.assessments import compute as computing
from rcmdesk.assessments.forms import DeleteForm, FilesForm, NewAssessmentForm, SettingsForm
from rcmdesk.assessments.models import DeletionCertificate
from rcmdesk.assessments.services import (
    AssessmentRefused,
    do_change_settings,
    do_create_assessment,
    do_load_files,
)
from rcmdesk.audit.services import record, record_listing
from rcmdesk.intake.models import FileStatus
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action, Role
from rcmdesk.uploads import UploadRefused, read_upload

ATTENTION_SHOWN = 100  # files not applied (quarantined, held...), every one up to this
APPLIED_SHOWN = 25  # the latest applied files; the counts by kind say the rest


def is_platform_admin(user: Any) -> bool:
    return bool(allows(user, Action.RUN_ASSESSMENT) and Role(user.role) is Role.PLATFORM_ADMIN)


def _platform_admin(user: Any) -> None:
    if not is_platform_admin(user):
        raise PermissionDenied("Only a platform admin may do this.")


@login_required
@require_GET
def assessments(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allows(user, Action.RUN_ASSESSMENT):
        raise PermissionDenied("Your role does not run assessments.")
    rows = list(access.assessments_for(user).select_related("client"))
    record_listing(rows, "assessments.assessment", key="assessments")
    return render(request, "assessments/list.html", {
        "rows": rows, "platform_admin": is_platform_admin(user)})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _platform_admin(user)
    form = NewAssessmentForm(request.POST or None, initial={"time_zone": "America/New_York"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = do_create_assessment(practice_name=data["practice_name"], slug=data["slug"],
                                        time_zone=data["time_zone"], as_of=data["as_of"],
                                        acting_user=user)
        except AssessmentRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.info(request, f"{made.client.name} created: load its files.")
            return redirect("assessments:files", assessment_id=made.pk)
    return render(request, "assessments/new.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def files(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user: Any = request.user
    found = access.assessment_for(user, assessment_id)
    # bound on every POST (its only field is the files, read below many at once)
    form = FilesForm(request.POST if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("x12_files")
        try:
            read = [((u.name or "file.x12")[:255], read_upload(u, what="file"))
                    for u in uploads]
        except UploadRefused as exc:
            form.add_error("x12_files", str(exc))
        else:
            if not read:
                form.add_error("x12_files", "Choose at least one file.")
            else:
                report = do_load_files(found, read, acting_user=user)
    files_of = access.loaded_files(found)
    attention = list(files_of.exclude(status=FileStatus.APPLIED)[:ATTENTION_SHOWN])
    loaded = list(files_of.filter(status=FileStatus.APPLIED)[:APPLIED_SHOWN])
    record_listing({found.client_id: [f.pk for f in [*attention, *loaded]]},
                   "intake.receivedfile", key="files")
    return render(request, "assessments/files.html", {
        "assessment": found, "form": form, "report": report, "loaded": loaded,
        "attention": attention, "by_kind": _by_kind(files_of),
        "platform_admin": is_platform_admin(user)},
        status=400 if form.errors else 200)


def _by_kind(files_of: Any) -> list[dict[str, Any]]:
    """Files per kind: how many, how many applied (a year is hundreds of files: the page
    lists the ones needing attention and the latest, and counts the rest here)."""
    rows: dict[str, dict[str, Any]] = {}
    for row in files_of.order_by().values("kind", "status").annotate(n=Count("pk")):
        kind = rows.setdefault(row["kind"], {"kind": row["kind"], "files": 0, "applied": 0})
        kind["files"] += row["n"]
        kind["applied"] += row["n"] if row["status"] == FileStatus.APPLIED else 0
    for kind in rows.values():
        kind["not_applied"] = kind["files"] - kind["applied"]
    return sorted(rows.values(), key=lambda r: str(r["kind"]))


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user: Any = request.user
    found = access.assessment_for(user, assessment_id)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_of(found))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_change_settings(found, as_of=data["as_of"], weeks_to_clear=data["weeks_to_clear"],
                               hours_per_day=data["hours_per_day"],
                               handle_hours=form.handle_hours(),
                               recovery_percent=form.recovery_percent(), acting_user=user)
        except AssessmentRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.info(request, "Settings saved: compute the assessment to see them "
                                   "in its figures.")
            return redirect("assessments:files", assessment_id=found.pk)
    return render(request, "assessments/settings.html", {
        "assessment": found, "form": form, "platform_admin": is_platform_admin(user)},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def compute(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user: Any = request.user
    found = access.assessment_for(user, assessment_id)
    computing.assess(found, acting_user=user)
    return redirect("assessments:assessment", assessment_id=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user: Any = request.user
    found = access.assessment_for(user, assessment_id)
    _platform_admin(user)
    form = DeleteForm(request.POST or None, practice_name=found.client.name)
    if request.method == "POST" and form.is_valid():
        made = purge.do_delete_assessment(found, requested_by=form.cleaned_data["requested_by"],
                                          reason=form.cleaned_data["reason"], acting_user=user)
        messages.info(request, f"{made.organization_name} deleted; this is its certificate.")
        return redirect("assessments:certificate", certificate_id=made.pk)
    return render(request, "assessments/delete.html", {
        "assessment": found, "form": form, "platform_admin": True},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def certificates(request: HttpRequest) -> HttpResponse:
    _platform_admin(request.user)
    rows = list(DeletionCertificate.objects.select_related("deleted_by"))
    return render(request, "assessments/certificates.html", {"rows": rows})


@login_required
@require_GET
def certificate(request: HttpRequest, certificate_id: int) -> HttpResponse:
    if not is_platform_admin(request.user):  # nobody else learns that one exists
        raise Http404("No such certificate.")
    found = get_object_or_404(DeletionCertificate.objects.select_related("deleted_by"),
                              pk=certificate_id)
    record("read", client_id=None, obj=found)
    return render(request, "assessments/certificate.html", {
        "certificate": found, "intact": purge.intact(found),
        "text": purge.certificate_text(found), "removed": purge.removed_rows(found)})
