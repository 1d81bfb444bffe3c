"""App config: 837 batches out, 999/277CA acknowledgments in."""

from django.apps import AppConfig


class SubmissionConfig(AppConfig):
    name = "rcmdesk.submission"
    label = "submission"
