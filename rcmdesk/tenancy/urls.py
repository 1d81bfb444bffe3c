from django.urls import path

from rcmdesk.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/<int:grant_id>/close/", views.break_glass_close, name="break_glass_close"),
    path("clients/<slug:client>/", views.client_detail, name="client"),
    path("engagements/<int:engagement_id>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:engagement_id>/scope/", views.change_scope, name="change_scope"),
    path("engagements/<int:engagement_id>/assignments/", views.assign, name="assign"),
    path("engagements/<int:engagement_id>/assignments/<int:assignment_id>/delete/",
         views.unassign, name="unassign"),
]
