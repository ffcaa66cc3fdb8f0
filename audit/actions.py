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
