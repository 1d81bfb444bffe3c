"""App config: capacity assessments of a prospective client from its own files."""

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "rcmdesk.assessments"
    label = "assessments"
    verbose_name = "Capacity assessments"
