from django.apps import AppConfig
from django.db.backends.signals import connection_created


class BankcoreConfig(AppConfig):
    name = "bankcore"
    verbose_name = "bankcore"

    def ready(self) -> None:
        from bankcore.observability import install_query_timer

        connection_created.connect(install_query_timer, dispatch_uid="bankcore.query_timer")
