"""App config: trading-partner connections, transfers and real-time inquiries."""

from django.apps import AppConfig


class ConnectivityConfig(AppConfig):
    name = "rcmdesk.connectivity"
    label = "connectivity"
