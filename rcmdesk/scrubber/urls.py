from django.urls import path

from rcmdesk.scrubber import views

app_name = "scrubber"
urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("rules/", views.rule_list, name="rules"),
    path("edits/", views.edit_list, name="edits"),
    path("edits/<int:edit_id>/deactivate/", views.edit_deactivate, name="deactivate"),
]
