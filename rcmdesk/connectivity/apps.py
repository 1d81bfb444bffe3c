"""App config: trading-partner connections, transfers and real-time inquiries."""

from django.apps import AppConfig


class ConnectivityConfig(AppConfig):
    name = "rcmdesk.connectivity"
    label = "connectivity"

    def ready(self) -> None:
        from rcmdesk.connectivity import outbound
        from rcmdesk.intake.signals import outbound_written

        outbound_written.connect(outbound.on_written, dispatch_uid="connectivity.queue")
