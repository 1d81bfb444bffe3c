from django.urls import path

from rcmdesk.intake import views

app_name = "intake"
urlpatterns = [
    path("files/", views.file_list, name="files"),
    path("files/upload/", views.upload, name="upload"),
    path("files/<int:file_id>/", views.file_detail, name="file"),
    path("files/<int:file_id>/progress/", views.file_progress, name="progress"),
    path("files/<int:file_id>/retry/", views.file_retry, name="retry"),
]
