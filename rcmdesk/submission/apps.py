"""App config: 837 batches out, 999/277CA acknowledgments in."""

from django.apps import AppConfig


class SubmissionConfig(AppConfig):
    name = "rcmdesk.submission"
    label = "submission"

    def ready(self) -> None:
        """Intake never imports us: it finds our appliers in its registry."""
        from rcmdesk.intake.models import ReceivedFile
        from rcmdesk.intake.signals import file_applied, register
        from rcmdesk.submission.acks import apply_277ca, apply_999, on_file_applied

        register("999", apply_999)
        register("277", apply_277ca, guide="X214")
        file_applied.connect(on_file_applied, sender=ReceivedFile,
                             dispatch_uid="submission.ta1")
