from django.apps import AppConfig


class WorkqueueConfig(AppConfig):
    name = "rcmdesk.workqueue"
    label = "workqueue"

    def ready(self) -> None:
        """Producers listen to intake and remits, which never import the work queue."""
        from django.db.models.signals import post_save

        from rcmdesk.intake.signals import file_applied
        from rcmdesk.remits.models import PostingException
        from rcmdesk.workqueue import producers

        file_applied.connect(producers.on_file_applied, dispatch_uid="workqueue.file_applied")
        post_save.connect(producers.on_exception_saved, sender=PostingException,
                          dispatch_uid="workqueue.exception_saved")
