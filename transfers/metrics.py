"""The transfers app's counters, and the business gauges of /metrics.

Transfers and wires are counted as they commit (``bankcore_transfers``, ``bankcore_wires``
and the money they moved), through the kernel's ``money_counted_on_commit``.

The gauges are states read from the database when Prometheus scrapes.

One function per metric family, each registered with the kernel's ``scrape_family`` and
each one indexed query, so a scrape stays cheap at millions of rows. Deposits and logins
are counters in ``bankcore.metrics``, counted as they commit. This module sits in the top
app because it reads the states of the apps below it; a new family is one more function
here. The queue of wires waiting for compliance is read here.
"""

from collections.abc import Iterable

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

from audit import actions
from audit.models import AuditEvent
from audit.selectors import audit_unsealed_overdue
from bankcore.metrics import money_counted_on_commit, scrape_family
from kyc.models import KycProfile, KycStatus
from transfers.models import WireTransfer

TRANSFERS = Counter("bankcore_transfers", "Internal transfers committed, by currency.", ["currency"])
TRANSFER_AMOUNT = Counter(
    "bankcore_transfer_amount_minor_units",
    "Money moved by committed internal transfers, in minor units, by currency.",
    ["currency"],
)
WIRES = Counter(
    "bankcore_wires",
    "Wires entering a state (pending_review, approved, sent, rejected, cancelled), by currency.",
    ["state", "currency"],
)
WIRE_AMOUNT = Counter(
    "bankcore_wire_amount_minor_units",
    "Money of the wires entering a state, in minor units, by state and currency.",
    ["state", "currency"],
)


def transfer_committed(*, currency: str, amount: int) -> None:
    """Count a transfer once its transaction commits (a rolled-back one never happened)."""
    money_counted_on_commit(TRANSFERS, TRANSFER_AMOUNT, (currency,), amount)


def wire_state_entered(*, state: str, currency: str, amount: int) -> None:
    """Count a wire entering ``state`` once its transaction commits."""
    money_counted_on_commit(WIRES, WIRE_AMOUNT, (state, currency), amount)


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
