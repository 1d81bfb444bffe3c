"""The Django admin, for platform admins only: organizations, nothing with patient data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.admin import OTPAdminSite

from rcmdesk.audit.services import record
from rcmdesk.tenancy.models import Organization

admin.site.__class__ = OTPAdminSite
admin.site.site_header = "rcmdesk platform administration"

# Models the platform admin may manage. Nothing holding patient or claim data belongs here:
# a test fails if anything else is registered.
ALLOWED_ADMIN_MODELS = {
    "tenancy.organization", "accounts.user", "otp_totp.totpdevice",
    "otp_static.staticdevice", "axes.accessattempt", "axes.accessfailurelog",
    "axes.accesslog",
}


def unregister_unvetted() -> None:
    """Third-party apps register their own admins; task results may carry tenant ids."""
    for model in list(admin.site._registry):
        if model._meta.label_lower not in ALLOWED_ADMIN_MODELS and model._meta.app_label in {
            "django_tasks_database", "auth"
        }:
            admin.site.unregister(model)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "slug", "kind", "time_zone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug")

    def save_model(self, request: HttpRequest, obj: Organization, form: ModelForm[Any],
                   change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record("update" if change else "create",
                   client_id=obj.pk if obj.is_client else None, obj=obj,
                   detail={"changed": list(form.changed_data)})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
