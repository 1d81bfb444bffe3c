"""App config: prior authorizations (278)."""

from django.apps import AppConfig


class PriorAuthConfig(AppConfig):
    name = "rcmdesk.priorauth"
    label = "priorauth"

    def ready(self) -> None:
        """Intake never imports us: it finds the 278 applier in its registry."""
        from rcmdesk.intake.signals import register
        from rcmdesk.priorauth.response import apply_278

        register("278", apply_278)
