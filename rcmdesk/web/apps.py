from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rcmdesk.web"
    label = "web"
