from django.urls import path

from rcmdesk.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("rules/", views.rules, name="rules"),
    path("reasons/", views.reasons, name="reasons"),
    path("<int:proposal_id>/", views.detail, name="detail"),
    path("<int:proposal_id>/decide", views.decide, name="decide"),
    path("<int:proposal_id>/withdraw", views.withdraw, name="withdraw"),
    path("items/<int:item_id>/propose", views.propose, name="propose"),
    path("appeals/<int:appeal_id>/decide", views.decide_appeal, name="decide_appeal"),
]
