"""Redis going away makes bankcore slower, never wrong: a real redis-server, killed and restarted."""

import socket
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from bankcore import cache as kernel
from bankcore.tests.helpers import REDIS_SERVER, balance, redis_caches_at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        REDIS_SERVER is None,
        reason="needs the redis-server binary (apt-get install redis-server) to start its own",
    ),
]


def test_a_bump_lost_in_an_outage_retires_everything_on_recovery(
    own_redis, funded_account, bearer_client, api_transfer
):
    """Redis unreachable for the write but back, with its old keys, for the next read."""
    source, destination = funded_account(balance=100_00), funded_account()
    client = bearer_client(source.customer)
    assert balance(client, source) == "100.00"  # cached under the current generation

    # The bump after this write fails as if Redis were unreachable at that moment only (what
    # the resilient backend answers then).
    real_bump = caches["default"].generations_bump
    caches["default"].generations_bump = lambda *args, **kwargs: False
    try:
        assert api_transfer(client, source, destination.number, "40.00", key="lost-bump").status_code == 201
    finally:
        caches["default"].generations_bump = real_bump
    assert kernel._epoch_bump_pending.is_set()
    assert balance(client, source) == "60.00"  # the epoch moved: the old key is unreachable
    assert not kernel._epoch_bump_pending.is_set()


def test_a_hanging_redis_costs_one_timeout_per_cooldown_not_one_per_call(funded_account, bearer_client):
    """A Redis that accepts connections and never answers: the first call waits out the
    socket timeout, then the process leaves Redis alone for the cooldown."""
    account = funded_account(balance=10_00)
    token = bearer_client(account.customer).token
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # connections complete in the kernel's backlog; nothing ever answers
    hanging = redis_caches_at(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", timeout=0.3)
    try:
        with override_settings(CACHES=hanging, CACHE_FAILURE_COOLDOWN_SECONDS=60):
            client = bearer_client(token=token)
            started = time.perf_counter()
            for _ in range(10):
                assert balance(client, account) == "10.00"
            elapsed = time.perf_counter() - started
            assert caches["default"]._unavailable_until > time.monotonic()
    finally:
        silent.close()
    # Each request makes several cache calls; at 0.3 s apiece, ten requests without the
    # cooldown would wait for well over ten seconds.
    assert elapsed < 5, elapsed
