from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site is the back office's (accounts/admin_site.py)."""

    default = False
    default_site = "accounts.admin_site.BackOfficeSite"


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Customers and accounts"

    def ready(self) -> None:
        from accounts import (
            schema,  # noqa: F401 - registers the Bearer scheme with the OpenAPI generator
            signals,  # noqa: F401 - connects the audit receivers
        )
        from accounts.config import config_register
        from accounts.services.approvals import approval_action_register
        from accounts.services.deposits import DEPOSIT_APPROVAL, deposit_approved, deposit_describe

        config_register()
        approval_action_register(
            name=DEPOSIT_APPROVAL,
            permission="accounts.approve_deposit",
            execute=deposit_approved,
            describe=deposit_describe,
            label="Deposit above the approval threshold",
        )
