"""The business gauges of /metrics: states read from the database when Prometheus scrapes.

One function per metric family, each registered with the kernel's ``scrape_family`` and
each one indexed query, so a scrape stays cheap at millions of rows. Events (transfers,
deposits, logins) are counters in ``bankcore.metrics``, counted as they commit. This module
sits in the top app because it reads the states of the apps below it; a new family is one
more function here. Wires entering each state are counted as they commit
(``bankcore_wires``); the queue waiting for compliance is read here.
"""

from collections.abc import Iterable

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from audit import actions
from audit.models import AuditEvent
from audit.selectors import audit_unsealed_overdue
from bankcore.metrics import scrape_family
from kyc.models import KycProfile, KycStatus
from transfers.models import WireTransfer


def _queue(queryset, *, since: str, name: str, what: str) -> Iterable[Metric]:
    """A review queue's length and the age of its oldest item, in one indexed aggregate."""
    waiting = queryset.aggregate(count=Count("pk"), oldest=Min(since))
    count = waiting["count"]
    yield GaugeMetricFamily(f"bankcore_{name}s_pending", f"{what} waiting for review.", value=count)
    oldest = waiting["oldest"]
    yield GaugeMetricFamily(
        f"bankcore_{name}_oldest_pending_seconds",
        f"How long the oldest of the {what.lower()} waiting for review has waited (0 when none).",
        value=(timezone.now() - oldest).total_seconds() if oldest is not None else 0.0,
    )


@scrape_family
def kyc_reviews_pending() -> Iterable[Metric]:
    """KYC profiles submitted and waiting for a reviewer."""
    yield from _queue(
        KycProfile.objects.filter(status=KycStatus.PENDING_REVIEW),
        since="submitted_at",
        name="kyc_review",
        what="KYC profiles submitted",
    )


@scrape_family
def wire_reviews_pending() -> Iterable[Metric]:
    """Wires held for compliance review (the queue's partial index answers both)."""
    yield from _queue(
        WireTransfer.objects.filter(status=WireTransfer.Status.PENDING_REVIEW),
        since="created_at",
        name="wire_review",
        what="Wires held (pending_review)",
    )


@scrape_family
def audit_unsealed() -> Iterable[Metric]:
    """Audit events older than the seal margin and still outside the hash chain: more than
    zero for long means the sealer has stopped."""
    yield GaugeMetricFamily(
        "bankcore_audit_unsealed_rows",
        "Audit events older than audit.seal_margin_seconds that the sealer has not chained yet.",
        value=audit_unsealed_overdue(),
    )


@scrape_family
def ledger_verification() -> Iterable[Metric]:
    """The newest verify_ledger run: when, and whether the ledger kept its invariants."""
    newest = (
        AuditEvent.objects.filter(action=actions.LEDGER_VERIFIED)
        .order_by("-occurred_at")
        .values("occurred_at", "after")
        .first()
    )
    if newest is None:
        return  # never verified: the alert on the timestamp's absence says so
    yield GaugeMetricFamily(
        "bankcore_ledger_verification_ok",
        "1 when the newest verify_ledger run found every invariant intact, 0 when it found a breach.",
        value=1 if (newest["after"] or {}).get("ok") else 0,
    )
    yield GaugeMetricFamily(
        "bankcore_ledger_verification_timestamp_seconds",
        "Unix time of the newest verify_ledger run.",
        value=newest["occurred_at"].timestamp(),
    )
