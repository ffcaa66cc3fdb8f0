"""The business gauges of /metrics that read more than one app: the KYC queue, the audit
events the sealer has not chained, the newest ledger verification (an audit event of the
ledger's check). Read from the database when Prometheus scrapes, each in one indexed query,
so a scrape stays cheap at millions of rows; registered with the kernel's ``scrape_family``
when bankcore's AppConfig imports this module. An app's own gauge stays in its app
(transfers.metrics: the wires held for review); events are counters in ``bankcore.metrics``.
"""

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric

from audit import actions
from audit.selectors import audit_event_newest, audit_unsealed_overdue
from bankcore.metrics import review_queue, scrape_family
from kyc.models import KycProfile, KycStatus


@scrape_family
def kyc_reviews_pending() -> Iterable[Metric]:
    """KYC profiles submitted and waiting for a reviewer."""
    yield from review_queue(
        KycProfile.objects.filter(status=KycStatus.PENDING_REVIEW),
        since="submitted_at",
        name="kyc_review",
        what="KYC profiles submitted",
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
    newest = audit_event_newest(action=actions.LEDGER_VERIFIED)
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
