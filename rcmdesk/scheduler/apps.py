"""App config: the scheduler; its jobs are registered when the app registry is ready."""

from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "rcmdesk.scheduler"
    label = "scheduler"
    verbose_name = "scheduler"

    def ready(self) -> None:
        # The registrations import the apps' services, which need every model loaded.
        from rcmdesk.scheduler import jobs  # noqa: F401
