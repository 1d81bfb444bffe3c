from django.apps import AppConfig


class WorkqueueConfig(AppConfig):
    name = "rcmdesk.workqueue"
    label = "workqueue"
