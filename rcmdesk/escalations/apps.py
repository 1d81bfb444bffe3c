"""App config: escalations to a named owner with business-hour SLAs."""

from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "rcmdesk.escalations"
    label = "escalations"
