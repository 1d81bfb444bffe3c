"""App config: client decisions: proposals, approvals and what they set off."""

from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "rcmdesk.decisions"
    label = "decisions"
