from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "rcmdesk.tenancy"
    label = "tenancy"
