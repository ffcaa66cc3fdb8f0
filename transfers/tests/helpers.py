"""Helpers the transfers tests share: wire bodies, KYC approval, threads and lock waits
(imported by test modules; fixtures are in conftest.py)."""

import threading
import time
import uuid

from django.db import connection

from accounts.models import Account
from kyc.models import KycProfile
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


def kyc_approve(customer, level: str = "basic") -> None:
    """Give ``customer`` an approved KYC profile of ``level`` (the review itself is tested in kyc)."""
    KycProfile.objects.update_or_create(customer=customer, defaults={"status": "approved", "level": level})


def wire_body(source, **overrides) -> dict:
    return {
        "source_account": source.pk,
        "amount": "2500.00",
        "currency": "USD",
        "beneficiary_name": "Erika Mustermann",
        "beneficiary_account": "DE89370400440532013000",
        "beneficiary_bic": "COBADEFFXXX",
        "beneficiary_country": "DE",
        "beneficiary_address": "Hauptstr. 1, Berlin",
        "beneficiary_routing_number": None,
        "reference": "Invoice 42",
        "charge_bearer": "SHAR",
        **overrides,
    }


def post_wire(client, source, *, key=None, **overrides):
    return client.post(
        "/api/wire-transfers",
        wire_body(source, **overrides),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
    )


def lock_waiters() -> list[int]:
    """Backends of this database waiting for a lock, oldest wait first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a per-transaction snapshot
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' ORDER BY state_change"
        )
        return [pid for (pid,) in cursor.fetchall()]


def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


class Request(threading.Thread):
    """One API call on its own thread and database connection; ``result`` is (status, body)."""

    def __init__(self, call):
        super().__init__(daemon=True)
        self.call = call
        self.result = None
        self.start()

    def run(self):
        try:
            self.result = self.call()
        finally:
            connection.close()


def held_up(request: Request, waiters_before: int) -> bool:
    """True once ``request`` has finished or is waiting for a lock behind the others."""
    return not request.is_alive() or len(lock_waiters()) > waiters_before


def balances(*accounts):
    return [Account.objects.get(pk=a.pk).balance for a in accounts]


def send(client, source, destination_number, amount="10.00", currency="USD", key=None, **extra):
    payload = {
        "source_account": source.pk if isinstance(source, Account) else source,
        "destination_account_number": destination_number,
        "amount": amount,
        "currency": currency,
        "description": "rent",
        **extra,
    }
    headers = {} if key is False else {"HTTP_IDEMPOTENCY_KEY": key or uuid.uuid4().hex}
    return client.post("/api/transfers", payload, format="json", **headers)


class SessionsHeld(threading.Thread):
    """``with SessionsHeld() as held:`` samples this process's connection pool every few
    milliseconds; ``held.most`` is the most sessions in use at once (the test's own among
    them). More than a server process's pool of 8 shows the threads held their sessions at
    the same time rather than queueing for the pool."""

    def __init__(self):
        super().__init__(daemon=True)
        self.most = 0
        self.done = threading.Event()

    def __enter__(self):
        self.pool = connection.pool
        self.start()
        return self

    def run(self):
        while not self.done.is_set():
            stats = self.pool.get_stats()
            self.most = max(self.most, stats["pool_size"] - stats["pool_available"])
            time.sleep(0.002)

    def __exit__(self, *exc_info):
        self.done.set()
        self.join()
