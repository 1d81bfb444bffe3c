from django.urls import path

from rcmdesk.capacity import views

app_name = "capacity"
urlpatterns = [
    path("", views.planner, name="planner"),
    path("productivity/", views.productivity, name="productivity"),
]
