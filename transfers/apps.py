from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = "Transfers and wires"

    def ready(self) -> None:
        from transfers import metrics  # noqa: F401 - registers the business gauges of /metrics
