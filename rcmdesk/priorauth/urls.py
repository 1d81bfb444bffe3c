from django.urls import path

from rcmdesk.priorauth import views

app_name = "priorauth"
urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("new/", views.new, name="new"),
    path("visits/request/", views.request_for_visit, name="request_for_visit"),
    path("requirements/", views.requirements, name="requirements"),
    path("requirements/<int:requirement_id>/deactivate/", views.deactivate_requirement,
         name="deactivate_requirement"),
    path("<int:auth_id>/", views.detail, name="detail"),
    path("<int:auth_id>/edit/", views.edit, name="edit"),
    path("<int:auth_id>/request/", views.request_278, name="request"),
]
