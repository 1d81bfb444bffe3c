from django.urls import path

from rcmdesk.remits import views

app_name = "remits"
urlpatterns = [
    path("exceptions/", views.exception_list, name="exceptions"),
    path("remittances/", views.remittance_list, name="remittances"),
    path("remittances/<int:remittance_id>/", views.remittance_detail, name="remittance"),
]
