"""App config: documents attached to claims, appeals, work items and decisions."""

from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "rcmdesk.attachments"
    label = "attachments"
