"""Fixtures several of this app's test modules share."""

import pytest
from django.test import override_settings

from bankcore import cache as kernel
from bankcore.tests.helpers import OwnRedis, free_port, redis_caches_at


@pytest.fixture
def own_redis():
    server = OwnRedis(free_port())
    server.start()
    redis_caches = redis_caches_at(f"redis://127.0.0.1:{server.port}/0")
    # No cooldown here: the test restarts Redis and expects it to be used at once.
    with override_settings(CACHES=redis_caches, CACHE_FAILURE_COOLDOWN_SECONDS=0):
        yield server
    if server.process.poll() is None:
        server.kill()
    kernel._epoch_bump_pending.clear()
