from django.urls import path

from rcmdesk.connectivity import realtime_views as views

app_name = "realtime"
urlpatterns = [
    path("visit/<int:visit_id>/", views.visit_check, name="visit"),
    path("item/<int:item_id>/", views.item_check, name="item"),
    path("claim/<int:claim_id>/", views.claim_check, name="claim"),
    path("<slug:client_slug>/", views.inquiries, name="inquiries"),
]
