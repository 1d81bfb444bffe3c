"""The file-transfer page's URLs, under ``/connections/transfers/``.

``transfer_urlpatterns`` can be included into the connections URL map; until then this
module is its own namespace, ``transfers``.
"""

from django.urls import path

from rcmdesk.connectivity import transfer_views

app_name = "transfers"

transfer_urlpatterns = [
    path("", transfer_views.transfers, name="transfers"),
    path("<int:transmission_id>/resend/", transfer_views.resend, name="resend"),
]
urlpatterns = transfer_urlpatterns
