"""The client admin's members page: list, add, disable, reset a second factor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rcmdesk.accounts import members
from rcmdesk.accounts.forms import MemberForm
from rcmdesk.accounts.requests import acting_user
from rcmdesk.tenancy.roles import Role


def _invite_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("accounts:accept_invite", args=[token]))


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    people = members.members(actor)
    form = MemberForm(request.POST or None)
    invite_url = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, token = members.add_member(
                acting_user=actor, username=data["username"], password=data["password"],
                role=Role(data["role"]), email=data["email"],
                first_name=data["first_name"], last_name=data["last_name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Created {user.username}.")
            if token is None:
                return redirect("accounts:members")
            invite_url = _invite_url(request, token)
            form = MemberForm()
    return render(request, "accounts/members.html",
                  {"people": people, "form": form, "invite_url": invite_url})


@login_required
@require_POST
def member_disable(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        ended = members.disable_member(user_id, acting_user=acting_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Account disabled; {ended} session(s) ended.")
    return redirect("accounts:members")


@login_required
@require_POST
def member_reset_second_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    token = members.reset_member_second_factor(user_id, acting_user=acting_user(request))
    return render(request, "accounts/member_invite.html",
                  {"invite_url": _invite_url(request, token),
                   "member": members.member(acting_user(request), user_id)})
