from django.urls import path

from rcmdesk.remits import views

app_name = "remits"
urlpatterns = [
    path("exceptions/", views.exception_list, name="exceptions"),
    path("exceptions/<int:exception_id>/", views.exception_detail, name="exception"),
    path("unapplied/", views.unapplied_list, name="unapplied"),
    path("unapplied/<int:unapplied_id>/apply/", views.unapplied_apply,
         name="unapplied_apply"),
    path("remittances/", views.remittance_list, name="remittances"),
    path("remittances/<int:remittance_id>/", views.remittance_detail, name="remittance"),
]
