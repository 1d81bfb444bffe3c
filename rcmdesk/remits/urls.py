from django.urls import path

from rcmdesk.remits import views

app_name = "remits"
urlpatterns = [
    path("exceptions/", views.exception_list, name="exceptions"),
]
