"""Accounts in the platform admin's Django admin: partner organizations' users live here.

Privilege flags (superuser, staff, groups, permissions) are not editable here: roles carry
the privileges, and a platform admin must not be able to mint another platform admin by
ticking a box.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse

from rcmdesk.accounts.models import User
from rcmdesk.accounts.services import client_of, invite_to_enroll
from rcmdesk.audit.services import record


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "organization", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "organization")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "time_zone")}),
        ("Organization", {"fields": ("organization", "role", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "organization", "role")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["issue_enrolment_link"]

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[Any],
                   change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record("update" if change else "create", client_id=client_of(obj), obj=obj,
                   detail={"changed": list(form.changed_data), "via": "admin"})

    @admin.action(description="Issue a one-time enrolment link (removes existing devices)")
    def issue_enrolment_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            token = invite_to_enroll(user, reset=True)
            url = request.build_absolute_uri(reverse("accounts:accept_invite", args=[token]))
            messages.info(request, f"{user.username}: {url}")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # disable accounts instead: the audit trail refers to them
