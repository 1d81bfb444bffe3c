"""App config: KPIs, weekly client reports and the dashboard."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rcmdesk.reports"
    label = "reports"
