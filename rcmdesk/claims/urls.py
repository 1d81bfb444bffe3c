from django.urls import path

from rcmdesk.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="claims"),
    path("<int:claim_id>/", views.claim_detail, name="claim"),
    path("<int:claim_id>/status-request/", views.status_request, name="status_request"),
    path("<int:claim_id>/corrected/", views.corrected, name="corrected"),
]
