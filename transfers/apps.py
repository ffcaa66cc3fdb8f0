from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = "Transfers and wires"

    def ready(self) -> None:
        from accounts.services.approvals import approval_action_register
        from transfers import metrics  # noqa: F401 - registers the business gauges of /metrics
        from transfers.services.wires import (
            REVIEW_PERMISSION,
            WIRE_RELEASE_APPROVAL,
            wire_release_approved,
            wire_release_describe,
        )

        approval_action_register(
            name=WIRE_RELEASE_APPROVAL,
            permission=REVIEW_PERMISSION,
            execute=wire_release_approved,
            describe=wire_release_describe,
            label="Wire at or above the four-eyes threshold (second approval)",
        )
