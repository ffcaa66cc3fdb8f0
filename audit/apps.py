from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from audit import checks  # noqa: F401 - registers the deployment check
        from audit.config import config_register
        from bankcore.health import health_detail_register

        config_register()
        health_detail_register("audit", audit_health)


def audit_health() -> dict:
    """The chain as /health shows it to staff: its head, and events the sealer left too long."""
    from audit.selectors import audit_chain_head, audit_last_checkpoint, audit_unsealed_overdue

    head, checkpoint, overdue = audit_chain_head(), audit_last_checkpoint(), audit_unsealed_overdue()
    return {
        "ok": overdue == 0,
        "unsealed_overdue": overdue,
        "chain_head": head.sequence if head else None,
        "verified_through": checkpoint.sequence if checkpoint else None,
    }
