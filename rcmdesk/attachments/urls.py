from django.urls import path

from rcmdesk.attachments import views

app_name = "attachments"
urlpatterns = [
    path("claims/<int:claim_id>/", views.to_claim, name="claim"),
    path("appeals/<int:appeal_id>/", views.to_appeal, name="appeal"),
    path("items/<int:item_id>/", views.to_item, name="item"),
    path("decisions/<int:proposal_id>/", views.to_decision, name="decision"),
    path("<int:attachment_id>/download/", views.download, name="download"),
    path("appeals/<int:appeal_id>/packet.pdf", views.packet, name="packet"),
]
