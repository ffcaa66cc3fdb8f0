from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customers and accounts"

    def ready(self) -> None:
        from accounts import (
            schema,  # noqa: F401 - registers the Bearer scheme with the OpenAPI generator
            signals,  # noqa: F401 - connects the audit receivers
        )
