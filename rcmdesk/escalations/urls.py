from django.urls import path

from rcmdesk.escalations import views

app_name = "escalations"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("response-times/", views.response_slas, name="slas"),
    path("<int:escalation_id>/", views.detail, name="detail"),
    path("<int:escalation_id>/message/", views.message, name="message"),
    path("<int:escalation_id>/act/", views.act, name="act"),
]
