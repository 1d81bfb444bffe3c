from django.urls import path

from rcmdesk.denials import views

app_name = "denials"
urlpatterns = [
    path("", views.appeals_list, name="appeals"),
    path("items/<int:item_id>/appeal/", views.draft, name="draft"),
    path("<int:appeal_id>/", views.appeal_page, name="appeal"),
    path("<int:appeal_id>/edit/", views.edit, name="edit"),
    path("<int:appeal_id>/pending/", views.pending, name="pending"),
    path("<int:appeal_id>/decide/", views.decide, name="decide"),
    path("<int:appeal_id>/filed/", views.filed, name="filed"),
    path("<int:appeal_id>/answer/", views.answer, name="answer"),
    path("<int:appeal_id>/next-level/", views.next_level, name="next_level"),
    path("<int:appeal_id>/write-off/", views.write_off, name="write_off"),
    path("<int:appeal_id>/letter.pdf", views.letter_pdf, name="pdf"),
]
