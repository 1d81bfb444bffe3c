from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rcmdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        from rcmdesk.accounts import signals  # noqa: F401  (connects the receivers)
