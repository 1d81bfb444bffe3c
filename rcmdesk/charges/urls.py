from django.urls import path

from rcmdesk.charges import views

app_name = "charges"
urlpatterns = [
    path("", views.draft_list, name="drafts"),
    path("new/", views.new, name="new"),
    path("check/", views.check, name="check"),
    path("import/", views.import_page, name="import"),
    path("<int:claim_id>/edit/", views.edit, name="edit"),
    path("<int:claim_id>/discard/", views.discard, name="discard"),
]
