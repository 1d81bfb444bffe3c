from django.urls import path

from rcmdesk.submission import views

app_name = "submission"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("submit/", views.submit_ready, name="submit"),
    path("rejections/", views.rejections, name="rejections"),
    path("profile/<slug:client_slug>/<str:kind>/", views.profile, name="profile"),
    path("<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:batch_id>/download/", views.batch_download, name="download"),
]
