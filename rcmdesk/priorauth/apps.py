"""App config: prior authorizations (278)."""

from django.apps import AppConfig


class PriorAuthConfig(AppConfig):
    name = "rcmdesk.priorauth"
    label = "priorauth"
