from django.urls import path  # noqa: F401

app_name = "priorauth"
urlpatterns: list[object] = []
