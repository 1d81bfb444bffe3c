from django.urls import path

from rcmdesk.systemaccess import views

app_name = "systemaccess"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export, name="export"),
    path("review/", views.review, name="review"),
    path("systems/new/", views.system_new, name="system_new"),
    path("engagements/<int:engagement_id>/", views.engagement, name="engagement"),
    path("<int:access_id>/", views.detail, name="detail"),
    path("<int:access_id>/<str:step>/", views.step, name="step"),
    path("revocations/<int:task_id>/confirm/", views.confirm_revocation,
         name="confirm_revocation"),
]
