from django.contrib import admin
from django.urls import include, path

from rcmdesk.api.api import api

urlpatterns = [
    path("", include("rcmdesk.web.urls")),
    path("accounts/", include("rcmdesk.accounts.urls")),
    path("tenancy/", include("rcmdesk.tenancy.urls")),
    path("audit/", include("rcmdesk.audit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
