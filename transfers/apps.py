from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = "Transfers and wires"

    def ready(self) -> None:
        from accounts.services.approvals import approval_action_register
        from bankcore.config import register_defaults, register_formats
        from transfers import (
            config,
            metrics,  # noqa: F401 - registers the wires' gauge of /metrics
        )
        from transfers.services.wires.limit_overrides import (
            OVERRIDE_PERMISSION,
            WIRE_LIMITS_APPROVAL,
            wire_limits_approved,
            wire_limits_describe,
        )
        from transfers.services.wires.review import (
            REVIEW_PERMISSION,
            WIRE_RELEASE_APPROVAL,
            wire_release_approved,
            wire_release_describe,
        )

        register_defaults(config.DEFAULTS)
        register_formats(config.FORMATS)
        approval_action_register(
            name=WIRE_RELEASE_APPROVAL,
            permission=REVIEW_PERMISSION,
            execute=wire_release_approved,
            describe=wire_release_describe,
            label="Wire at or above the four-eyes threshold (second approval)",
        )
        approval_action_register(
            name=WIRE_LIMITS_APPROVAL,
            permission=OVERRIDE_PERMISSION,
            execute=wire_limits_approved,
            describe=wire_limits_describe,
            label="Wire limits above the defaults",
        )
