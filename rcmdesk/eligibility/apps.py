"""App config: eligibility and benefits (visits, 270/271)."""

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "rcmdesk.eligibility"
    label = "eligibility"
