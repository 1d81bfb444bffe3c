from django.urls import path

from rcmdesk.connectivity import views

app_name = "connectivity"
urlpatterns = [
    path("", views.connections, name="connections"),
    path("add", views.add, name="add"),
    path("<int:connection_id>/", views.edit, name="edit"),
    path("<int:connection_id>/secret/<str:kind>", views.secret, name="secret"),
    path("<int:connection_id>/disable", views.disable, name="disable"),
    path("<int:connection_id>/enable", views.enable, name="enable"),
    path("<int:connection_id>/test", views.test, name="test"),
]
