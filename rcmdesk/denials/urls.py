from django.urls import path

from rcmdesk.denials import views

app_name = "denials"
urlpatterns = [
    path("items/<int:item_id>/appeal/", views.draft, name="draft"),
    path("<int:appeal_id>/", views.appeal_page, name="appeal"),
    path("<int:appeal_id>/edit/", views.edit, name="edit"),
    path("<int:appeal_id>/pending/", views.pending, name="pending"),
    path("<int:appeal_id>/decide/", views.decide, name="decide"),
    path("<int:appeal_id>/letter.pdf", views.letter_pdf, name="pdf"),
]
