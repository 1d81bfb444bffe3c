from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "rcmdesk.claims"
    label = "claims"
