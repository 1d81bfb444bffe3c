"""App config: eligibility and benefits (visits, 270/271)."""

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "rcmdesk.eligibility"
    label = "eligibility"

    def ready(self) -> None:
        """Intake never imports us: it finds the 271 applier in its registry."""
        from rcmdesk.eligibility.apply271 import apply_271
        from rcmdesk.intake.signals import register

        register("271", apply_271)
