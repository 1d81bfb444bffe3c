"""App config: client decisions: proposals, approvals and what they set off."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class DecisionsConfig(AppConfig):
    name = "rcmdesk.decisions"
    label = "decisions"

    def ready(self) -> None:
        """A new client starts with the default list of write-off reasons (its admin edits
        it): wherever the client is created (the admin, the demo, a test), never empty."""
        from rcmdesk.tenancy.models import Organization

        post_save.connect(_seed_reasons, sender=Organization,
                          dispatch_uid="decisions.seed_adjustment_reasons")


def _seed_reasons(sender: Any, instance: Any, created: bool, raw: bool = False,
                  **kwargs: Any) -> None:
    if created and not raw:
        from rcmdesk.decisions.reasons import seed_defaults

        seed_defaults(instance)
