"""App config: service levels the client holds its partner to, measured from our records."""

from django.apps import AppConfig


class ServiceLevelsConfig(AppConfig):
    name = "rcmdesk.servicelevels"
    label = "servicelevels"
