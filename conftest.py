"""Fixtures shared by every app's tests.

A test package imports its own app's helpers and the layers below it (see the import
contracts in pyproject.toml); whatever several apps' tests share lives here.
"""

import re
import socket
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory, fund
from accounts.tests.helpers import BackOfficeClient
from bankcore.backoffice.tests.helpers import TEST_BROKER_URL

CACHE_ALIASES = ("default", "throttle", "throttle_fallback")


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches; on Redis only this run's key prefix is removed."""
    yield
    from bankcore.cache import local_values, stats

    stats.discard()
    local_values.clear()
    for alias in CACHE_ALIASES:
        cache = caches[alias]
        if hasattr(cache, "delete_pattern"):
            cache.delete_pattern("*")
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _cache_bumps_without_commit(request, monkeypatch):
    """Retire cached values at once in tests that never commit.

    A plain database test runs inside one transaction that is rolled back, so on_commit
    callbacks (the cache generation bumps) would never run and a read after a write would
    see the cached past. There, bumps happen when scheduled. Tests marked
    ``django_db(transaction=True)`` commit for real and keep the production behaviour;
    the read-your-writes races are tested that way.

    Not pytest-django's ``django_capture_on_commit_callbacks``: it runs the callbacks when
    its block ends, so a test would have to wrap every write it makes (fixtures and
    factories included) to read its own writes.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not transactional and "transactional_db" not in request.fixturenames:
        from bankcore import cache

        monkeypatch.setattr(cache, "transaction", SimpleNamespace(on_commit=lambda callback: callback()))


_SAVEPOINT = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) ")


@pytest.fixture
def assert_num_queries_excluding_savepoints():
    """``django_assert_num_queries`` for writes: savepoints are left out of the count.

    Where savepoints fall (a nested atomic block, a service called inside another's
    transaction) changes with harmless refactors; a query more is what an N+1 regression
    adds, and that still fails.
    """

    @contextmanager
    def check(expected: int):
        with CaptureQueriesContext(connection) as context:
            yield context
        queries = [query["sql"] for query in context.captured_queries if not _SAVEPOINT.match(query["sql"])]
        listing = "\n".join(queries)
        assert len(queries) == expected, (
            f"{len(queries)} queries besides savepoints, not {expected}:\n{listing}"
        )

    return check


@pytest.fixture
def client() -> BackOfficeClient:
    """pytest-django's ``client``, whose ``force_login`` of staff passes the second factor
    (accounts/tests/helpers.py): every admin test's staff session is a verified one."""
    return BackOfficeClient()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def customer_client(customer, bearer_client):
    """An APIClient holding a real Bearer token of ``customer``, already used once.

    The first request caches the session, as in one already under way, so the query
    counts that tests pin are the endpoint's own. Cold authentication costs one query,
    pinned in accounts/tests/benchmark/test_api_cached_reads.py.
    """
    client = bearer_client(customer)
    assert client.get("/api/auth/me").status_code == 200
    return client


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``requires_postgres`` on the embedded SQLite database, and those
    marked ``requires_rabbitmq`` where no broker answers, saying how to run them."""
    _rabbitmq_skip(items)
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    for item in items:
        marker = item.get_closest_marker("requires_postgres")
        if marker is not None:
            why = marker.args[0] if marker.args else "needs PostgreSQL"
            item.add_marker(
                pytest.mark.skip(
                    reason=f"{why}; run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankcore "
                    "make test, as CI does"
                )
            )


def _rabbitmq_skip(items) -> None:
    marked = [item for item in items if item.get_closest_marker("requires_rabbitmq")]
    if not marked:
        return
    broker = urlsplit(TEST_BROKER_URL)
    try:
        socket.create_connection((broker.hostname, broker.port or 5672), timeout=1).close()
        return
    except OSError:
        pass
    for item in marked:
        item.add_marker(
            pytest.mark.skip(
                reason=f"no RabbitMQ at {broker.hostname}:{broker.port or 5672}; start one (as CI's machine "
                "has, guest/guest) or set CELERY_TEST_BROKER_URL, with DATABASE_URL set to PostgreSQL"
            )
        )


@pytest.fixture
def bearer_client():
    """Make an APIClient signed in with a real Bearer token: of ``user`` (a new session) or
    the given ``token``. The client keeps its token as ``client.token``."""

    def make(user=None, *, token: str | None = None) -> APIClient:
        if token is None:
            from accounts.services.signin import auth_token_issue

            token, _ = auth_token_issue(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.token = token
        return client

    return make


@pytest.fixture
def customer_password() -> str:
    """The password of ``customer`` and of every user the factories make."""
    return DEFAULT_PASSWORD


@pytest.fixture
def funded_account(db):
    """Make a customer account (of ``customer``, or a new one) holding ``balance`` minor
    units, deposited through the ledger like a teller would."""

    def make(*, customer=None, balance: int = 0, **fields):
        if customer is not None:
            fields["customer"] = customer
        account = AccountFactory(**fields)
        return fund(account, balance) if balance else account

    return make


@pytest.fixture
def transfer():
    """Move money between two accounts through the real transfer service, as the source's owner."""
    from transfers.services.transfers import transfer_create

    def send(source, destination, amount: int, description: str = ""):
        return transfer_create(
            customer=source.customer,
            source_account_id=source.pk,
            destination_number=destination.number,
            amount=amount,
            currency=source.currency,
            description=description,
            auth_token=None,
            idempotency_claim=None,
        )

    return send


@pytest.fixture
def api_transfer():
    """POST /api/transfers as a client's customer; returns the response."""

    def post(client, source, destination_number: str, amount: str, *, key: str, currency: str = "USD"):
        return client.post(
            "/api/transfers",
            {
                "source_account": source.pk,
                "destination_account_number": destination_number,
                "amount": amount,
                "currency": currency,
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    return post


def _seeding_prepare() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '120s'")
            # Foreign keys checked as each statement ends, not all at once when the test's
            # transaction ends: a deferred check of every seeded row repeats row locks taken
            # under the seeding's many savepoints, which PostgreSQL pays for dearly.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Except that a posting balances: the ledger writes a posting's system side in a
            # statement of its own, after its customer side (accounts.services.ledger).
            cursor.execute("SET CONSTRAINTS accounts_ledgerentry_posting_balanced DEFERRED")
            # The session keeps the plans it made for earlier tests, when the ledger's tables
            # held a handful of rows (the foreign-key checks' among them); reused on tens of
            # thousands of rows they made the seeding take 15 s instead of 4 on a new test
            # database. Discarded, each is planned again at its first use here.
            cursor.execute("DISCARD PLANS")


@pytest.fixture
def statement_timeout_lifted(db):
    """For a test that seeds tens of thousands of rows: seeding is not a request, so the
    app's DB_STATEMENT_TIMEOUT gives way to two minutes for it and for the deferred
    foreign-key checks Django runs when the test's transaction ends (on a busy machine they
    outlast the app's). Finite, so that a lock wait still fails the test instead of hanging.
    The connection's cached query plans are discarded, so the seeding's are made for the
    tables it fills."""
    _seeding_prepare()


@pytest.fixture(scope="session")
def seeded_for_module(django_db_setup, django_db_blocker):
    """For a module-scoped fixture that seeds a large world its tests only read:
    ``with seeded_for_module(): ...seed...; yield world``.

    The seeding runs once, in a transaction that stays open while the module's tests run
    and is rolled back after the last of them, so no other module sees its rows. Each test's
    own transaction is a savepoint inside it, rolled back as usual: what one test writes,
    the next never sees. The transaction is prepared for seeding as
    ``statement_timeout_lifted`` prepares one test's. Not for a module with transactional tests:
    they commit and empty the tables, which they cannot do inside the open transaction.
    """

    @contextmanager
    def seeding():
        with django_db_blocker.unblock(), transaction.atomic():
            _seeding_prepare()
            yield
            transaction.set_rollback(True)

    return seeding


@pytest.fixture
def sentry_capture():
    """Start Sentry as bankcore does, with a transport that keeps what it would send (there
    is no Sentry server here). ``start(item_type, **options)`` returns a function listing the
    payloads of that type ("event", "transaction") sent so far."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from bankcore.observability import sentry_init

    envelopes = []

    class CapturingTransport(Transport):
        def capture_envelope(self, envelope) -> None:
            envelopes.append(envelope)

    def start(item_type: str, **options):
        options = {"environment": "test", "traces_sample_rate": 0.0, **options}
        sentry_init(dsn="https://public@sentry.invalid/1", transport=CapturingTransport, **options)
        return lambda: [
            item.payload.json for envelope in envelopes for item in envelope.items if item.type == item_type
        ]

    yield start
    sentry_sdk.init(dsn=None)


@pytest.fixture(autouse=True)
def _failure_windows_start_with_the_test(monkeypatch):
    """Failure limits count in fixed windows weighed by the two-bucket estimate, which lets
    one more attempt through just after a window turns: a test that happened to straddle a
    boundary would see a limit one late. Each test's clock for them starts a second into a
    window of every length in use (60 s logins, 900 s transfers)."""
    import time

    from bankcore import throttling

    offset = (-time.time()) % 900 + 1
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: time.time() + offset))
