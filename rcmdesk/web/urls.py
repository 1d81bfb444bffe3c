from django.urls import path

from rcmdesk.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<slug:client>/queue-counts/", views.queue_counts, name="queue_counts"),
]
