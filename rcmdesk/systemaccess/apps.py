"""App config: the access registry (who holds which login to the client's systems)."""

from django.apps import AppConfig


class SystemAccessConfig(AppConfig):
    name = "rcmdesk.systemaccess"
    label = "systemaccess"
    verbose_name = "System access"

    def ready(self) -> None:
        from rcmdesk.systemaccess import offboarding
        from rcmdesk.tenancy.signals import access_ending

        access_ending.connect(offboarding.on_access_ending, dispatch_uid="systemaccess.revoke")
