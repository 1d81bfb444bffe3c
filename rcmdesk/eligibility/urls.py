from django.urls import path

from rcmdesk.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("new/", views.visit_new, name="new"),
    path("import/", views.visit_import, name="import"),
    path("<int:visit_id>/", views.visit_detail, name="visit"),
    path("<int:visit_id>/request/", views.visit_request, name="request"),
]
