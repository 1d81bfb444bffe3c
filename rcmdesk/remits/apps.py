from django.apps import AppConfig


class RemitsConfig(AppConfig):
    name = "rcmdesk.remits"
    label = "remits"
