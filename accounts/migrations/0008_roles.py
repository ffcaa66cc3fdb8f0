"""The staff roles, as groups of permissions: each role can do its job and nothing more.

Extend a role by a new migration that adds to its group (the permissions a later app
defines, such as wire review, belong to that app's migration); superusers alone change
groups afterwards, each change audited.
"""

from django.db import migrations

from accounts.roles import roles_grant

# One list per group: "app_label.codename".
COMPLIANCE = [
    # KYC review, sanctions screening decisions (review_kyc covers both) and the queue.
    "kyc.view_kycprofile",
    "kyc.view_kycdocument",
    "kyc.review_kyc",
    # Four-eyes approval of large deposits, and the accounts and entries behind them.
    "accounts.view_approvalrequest",
    "accounts.approve_deposit",
    "accounts.view_user",
    "accounts.view_account",
    "accounts.view_ledgerentry",
    # Deactivating a customer (a confirmed sanctions match, fraud) is a compliance decision.
    "accounts.deactivate_customer",
    # The audit log, read-only.
    "audit.view_auditevent",
]
SUPPORT = [
    # Find customers and accounts (a customer's page shows their KYC status), freeze and
    # unfreeze with a reason.
    "accounts.view_user",
    "accounts.view_account",
    "accounts.freeze_account",
]
ENGINEERING = [
    # silk (when enabled), cache statistics and database reports: no customer records.
    "accounts.view_profiling",
    "accounts.view_cache_stats",
    "accounts.view_database_report",
]
ROLES = {"compliance": COMPLIANCE, "support": SUPPORT, "engineering": ENGINEERING}


def create_roles(apps, schema_editor):
    roles_grant(apps, schema_editor, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_append_only"),
        ("audit", "0004_append_only"),
        ("kyc", "0006_screening_match_screened_digest"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
