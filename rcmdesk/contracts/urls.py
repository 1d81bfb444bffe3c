"""Contract pages (helper B's stand-in: only the page the claim workspace links to, under
helper A's name and path; A's pages replace this module at merge)."""

from django.urls import path

from rcmdesk.contracts import views

app_name = "contracts"
urlpatterns = [
    path("<int:contract_id>/", views.contract, name="contract"),
]
