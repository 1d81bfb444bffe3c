from django.apps import AppConfig


class ArFollowupConfig(AppConfig):
    name = "rcmdesk.arfollowup"
    label = "arfollowup"

    def ready(self) -> None:
        """Intake never imports us: it finds the 277 applier in its registry."""
        from rcmdesk.arfollowup.status277 import apply_277
        from rcmdesk.intake.signals import register

        register("277", apply_277)
