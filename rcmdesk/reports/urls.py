"""Report pages. Weekly reports live in ``weekly_views``; the KPI dashboard in
``dashboard_views`` (its paths are added below by its owner)."""

from django.urls import path

from rcmdesk.reports import dashboard_views, weekly_views

app_name = "reports"
urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("weekly/", weekly_views.weekly_list, name="weekly_list"),
    path("weekly/generate/", weekly_views.weekly_generate, name="weekly_generate"),
    path("weekly/<int:report_id>/", weekly_views.weekly_report, name="weekly_report"),
    path("weekly/<int:report_id>/pdf/", weekly_views.weekly_pdf, name="weekly_pdf"),
]
