"""Audit action names: ``<area>.<what happened>``, stable once written to the log."""

USER_REGISTERED = "auth.user_registered"
LOGIN_SUCCEEDED = "auth.login_succeeded"
LOGIN_FAILED = "auth.login_failed"
LOGIN_THROTTLED = "auth.login_throttled"
LOGGED_OUT = "auth.logged_out"
PASSWORD_CHANGED = "auth.password_changed"

ACCOUNT_OPENED = "account.opened"
ACCOUNT_FROZEN = "account.frozen"
ACCOUNT_UNFROZEN = "account.unfrozen"
DEPOSIT_POSTED = "ledger.deposit_posted"
TRANSFER_CREATED = "transfer.created"
LOAD_DATA_SEEDED = "ledger.load_data_seeded"

USER_CREATED = "auth.user_created"
USER_ACCESS_CHANGED = "auth.user_access_changed"
USER_DEACTIVATED = "auth.user_deactivated"
USER_REACTIVATED = "auth.user_reactivated"
PASSWORD_SET_BY_STAFF = "auth.password_set_by_staff"
GROUP_CREATED = "auth.group_created"
GROUP_CHANGED = "auth.group_changed"
GROUP_DELETED = "auth.group_deleted"
SESSION_REVOKED = "auth.session_revoked"

APPROVAL_REQUESTED = "approval.requested"
APPROVAL_APPROVED = "approval.approved"
APPROVAL_REJECTED = "approval.rejected"

CONFIG_CHANGED = "config.changed"
DATABASE_IDENTITY_RENEWED = "database.identity_renewed"

SANCTIONS_LIST_LOADED = "sanctions.list_loaded"
