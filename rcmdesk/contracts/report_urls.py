"""The expected-payment reports, under /expected-payment/ (see ``report_views``)."""

from django.urls import path

from rcmdesk.contracts import report_views

app_name = "expected_payment"
urlpatterns = [
    path("underpayments/", report_views.underpayments, name="underpayments"),
    path("underpayments.csv", report_views.underpayments_csv, name="underpayments_csv"),
    path("scorecard/", report_views.payer_scorecard, name="scorecard"),
    path("scorecard.csv", report_views.scorecard_csv, name="scorecard_csv"),
]
