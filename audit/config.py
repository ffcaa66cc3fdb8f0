"""The audit log's run-time settings, registered with the kernel's registry from
``AuditConfig.ready()``; staff change them in the back office (``bankcore.config``)."""

from bankcore.config import register_defaults

SEAL_MARGIN_SETTING = "audit.seal_margin_seconds"

DEFAULTS = {
    # Longer than any transaction may run (statements are cut at DB_STATEMENT_TIMEOUT) plus
    # the clock difference between app hosts: ids are handed out before commit, so a row
    # younger than this may still have a smaller id than one its transaction has not shown.
    SEAL_MARGIN_SETTING: (
        300,
        "Audit events are sealed into the hash chain once they are this many seconds old; "
        "unsealed ones older than this are reported by /health and verify_audit.",
    ),
}


def config_register() -> None:
    register_defaults(DEFAULTS)
