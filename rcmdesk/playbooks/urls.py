from django.urls import path

from rcmdesk.playbooks import views

app_name = "playbooks"
urlpatterns = [
    path("", views.index, name="index"),
    path("sops/new/", views.sop_new, name="sop_new"),
    path("sops/<int:sop_id>/", views.sop, name="sop"),
    path("sops/<int:sop_id>/edit/", views.sop_edit, name="sop_edit"),
    path("sops/<int:sop_id>/active/", views.sop_active, name="sop_active"),
    path("rules/", views.rules, name="rules"),
]
