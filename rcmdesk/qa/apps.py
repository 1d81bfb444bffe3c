"""App config: QA sample audits: sampling plans, audits, feedback."""

from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "rcmdesk.qa"
    label = "qa"
