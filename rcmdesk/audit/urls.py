from django.urls import path

from rcmdesk.audit import views

app_name = "audit"
urlpatterns = [
    path("events/", views.events, name="events"),
    path("events.csv", views.export, name="export"),
    path("checkpoints.jsonl", views.export_checkpoints, name="export_checkpoints"),
]
