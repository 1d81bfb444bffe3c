"""App config: productivity and the capacity planner (forecast, staffing, what-if)."""

from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "rcmdesk.capacity"
    label = "capacity"
