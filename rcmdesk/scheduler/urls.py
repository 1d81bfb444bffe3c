from django.urls import path

from rcmdesk.scheduler import views

app_name = "scheduler"
urlpatterns = [
    path("", views.schedules, name="schedules"),
    path("<int:schedule_id>/", views.detail, name="detail"),
    path("<int:schedule_id>/run/", views.run_now, name="run"),
    path("<int:schedule_id>/change/", views.change, name="change"),
]
