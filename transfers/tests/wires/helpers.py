"""Helpers the wire tests share (imported by test modules; no fixtures here)."""

from transfers.services.wires.limit_overrides import wire_limit_override_set


def daily_limit_set(*, account, daily: int, actor, reason: str = "x"):
    """Set only ``account``'s daily wire limit (minor units) through the staff service: applied at
    once at or below the defaults, an approval request above them."""
    return wire_limit_override_set(
        account=account,
        per_wire=None,
        daily=daily,
        monthly=None,
        daily_count=None,
        reason=reason,
        actor=actor,
    )
