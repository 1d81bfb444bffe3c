from django.urls import path

from rcmdesk.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contracts, name="contracts"),
    path("new", views.new, name="new"),
    path("references/", views.reference_list, name="references"),
    path("references/load", views.load_reference, name="load_reference"),
    path("<int:contract_id>/", views.contract, name="contract"),
    path("<int:contract_id>/terms", views.terms, name="terms"),
    path("<int:contract_id>/import", views.import_schedule, name="import"),
    path("<int:contract_id>/import/confirm", views.confirm_import, name="confirm_import"),
    path("<int:contract_id>/versions/<int:version_number>/", views.version, name="version"),
]
