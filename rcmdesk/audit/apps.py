from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rcmdesk.audit"
    label = "audit"
