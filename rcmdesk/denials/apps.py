from django.apps import AppConfig


class DenialsConfig(AppConfig):
    name = "rcmdesk.denials"
    label = "denials"
