"""Pages of the assessment workspace (manage_views) and its report (views)."""

from django.urls import path

from rcmdesk.assessments import manage_views, views

app_name = "assessments"

urlpatterns = [
    path("", manage_views.assessments, name="list"),
    path("new/", manage_views.new, name="new"),
    path("certificates/", manage_views.certificates, name="certificates"),
    path("certificates/<int:certificate_id>/", manage_views.certificate, name="certificate"),
    path("<int:assessment_id>/", views.assessment, name="assessment"),
    path("<int:assessment_id>/report.pdf", views.pdf, name="pdf"),
    path("<int:assessment_id>/files/", manage_views.files, name="files"),
    path("<int:assessment_id>/settings/", manage_views.settings, name="settings"),
    path("<int:assessment_id>/compute/", manage_views.compute, name="compute"),
    path("<int:assessment_id>/delete/", manage_views.delete, name="delete"),
]
