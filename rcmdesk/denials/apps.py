from django.apps import AppConfig


class DenialsConfig(AppConfig):
    name = "rcmdesk.denials"
    label = "denials"

    def ready(self) -> None:
        """The remit that pays an overturned appeal closes it: denials listens to intake's
        ``file_applied`` (as the work-item producers do), so posting never imports denials."""
        from rcmdesk.denials import paid
        from rcmdesk.intake.signals import file_applied

        file_applied.connect(paid.on_file_applied, dispatch_uid="denials.appeals_paid")
