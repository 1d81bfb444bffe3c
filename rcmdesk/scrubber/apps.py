"""App config: the claim scrubber (edits run before submission)."""

from django.apps import AppConfig


class ScrubberConfig(AppConfig):
    name = "rcmdesk.scrubber"
    label = "scrubber"
