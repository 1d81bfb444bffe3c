from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from rcmdesk.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on their own; answering keeps 404s out of the audit trail.
    path("favicon.ico", RedirectView.as_view(url=static("rcmdesk/favicon.svg"), permanent=True)),
    path("search/", views.search, name="search"),
    path("clients/<slug:client>/queue-counts/", views.queue_counts, name="queue_counts"),
]
