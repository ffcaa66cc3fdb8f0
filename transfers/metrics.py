"""The transfers app's counters, and the wires' gauge of /metrics.

Transfers and wires are counted as they commit (``bankcore_transfers``, ``bankcore_wires``
and the money they moved), through the kernel's ``money_counted_on_commit``. The queue of
wires waiting for compliance is read from the database when Prometheus scrapes, in one
aggregate that the queue's partial index answers. The business gauges that read several
apps are ``bankcore.backoffice.metrics``'.
"""

from collections.abc import Iterable

from prometheus_client import Counter
from prometheus_client.core import Metric

from bankcore.metrics import money_counted_on_commit, review_queue, scrape_family
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


@scrape_family
def wire_reviews_pending() -> Iterable[Metric]:
    """Wires held for compliance review (the queue's partial index answers both)."""
    yield from review_queue(
        WireTransfer.objects.filter(status=WireTransfer.Status.PENDING_REVIEW),
        since="created_at",
        name="wire_review",
        what="Wires held (pending_review)",
    )
