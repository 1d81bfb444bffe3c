from django.urls import path

from rcmdesk.workqueue import views

app_name = "workqueue"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("counts/", views.counts, name="counts"),
    path("next/", views.get_next, name="next"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("team/", views.team, name="team"),
    path("team/reassign/", views.team_reassign, name="reassign"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/claim/", views.item_claim, name="claim"),
    path("items/<int:item_id>/act/", views.item_act, name="act"),
    path("items/<int:item_id>/release/", views.item_release, name="release"),
    path("items/<int:item_id>/snooze/", views.item_snooze, name="snooze"),
    path("items/<int:item_id>/assign/", views.item_assign, name="assign"),
    path("items/<int:item_id>/status-request/", views.item_status_request,
         name="status_request"),
]
