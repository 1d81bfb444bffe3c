from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "rcmdesk.playbooks"
    label = "playbooks"
