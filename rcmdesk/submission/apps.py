"""App config: 837 batches out, 999/TA1/277CA acknowledgments in."""

from django.apps import AppConfig


class SubmissionConfig(AppConfig):
    name = "rcmdesk.submission"
    label = "submission"

    def ready(self) -> None:
        """Intake never imports us: it finds our appliers in its registry."""
        from rcmdesk.intake.signals import register, register_interchange_ack
        from rcmdesk.submission.acks import apply_277ca, apply_999, apply_ta1

        register("999", apply_999)
        register("277", apply_277ca, guide="X214")
        register_interchange_ack(apply_ta1)
