"""The wires' gauge of /metrics: the queue waiting for compliance, read from the database when
Prometheus scrapes, in one aggregate that the queue's partial index answers. Wires entering
each state are counted as they commit (``bankcore_wires``). The business gauges that read
several apps are bankcore.backoffice.metrics'.
"""

from collections.abc import Iterable

from prometheus_client.core import Metric

from bankcore.metrics import review_queue, scrape_family
from transfers.models import WireTransfer


@scrape_family
def wire_reviews_pending() -> Iterable[Metric]:
    """Wires held for compliance review (the queue's partial index answers both)."""
    yield from review_queue(
        WireTransfer.objects.filter(status=WireTransfer.Status.PENDING_REVIEW),
        since="created_at",
        name="wire_review",
        what="Wires held (pending_review)",
    )
