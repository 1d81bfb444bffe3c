from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from rcmdesk.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "organization", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "organization")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()),
                 ("Organization", {"fields": ("organization", "role", "time_zone")}))
