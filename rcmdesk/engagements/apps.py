"""App config: engagement models (how a partner is engaged) and the onboarding path."""

from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "rcmdesk.engagements"
    label = "engagements"
