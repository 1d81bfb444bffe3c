from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "rcmdesk.intake"
    label = "intake"
