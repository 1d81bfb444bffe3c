from django.urls import path

from rcmdesk.remits import deposit_views

app_name = "reconciliation"
urlpatterns = [
    path("", deposit_views.reconciliation, name="page"),
    path("upload/", deposit_views.upload, name="upload"),
]
