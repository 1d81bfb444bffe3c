from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rcmdesk.api"
    label = "api"
