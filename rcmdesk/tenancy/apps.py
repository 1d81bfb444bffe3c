from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "rcmdesk.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        from rcmdesk.tenancy.admin import unregister_unvetted

        unregister_unvetted()
