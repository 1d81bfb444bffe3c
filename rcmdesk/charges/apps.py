"""App config: charge entry and charge imports (UI, CSV, FHIR, 837)."""

from django.apps import AppConfig


class ChargesConfig(AppConfig):
    name = "rcmdesk.charges"
    label = "charges"
