"""What Redis killed and restarted mid-run costs in SQL: slower, never wrong."""

import time

import pytest

from bankcore.tests.helpers import REDIS_SERVER, balance

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        REDIS_SERVER is None,
        reason="needs the redis-server binary (apt-get install redis-server) to start its own",
    ),
]


def test_redis_killed_and_restarted_mid_run(
    own_redis, django_assert_num_queries, funded_account, bearer_client, api_transfer
):
    source, destination = funded_account(balance=100_00), funded_account()
    client = bearer_client(source.customer)

    assert balance(client, source) == "100.00"
    with django_assert_num_queries(0):
        assert balance(client, source) == "100.00"  # warm, from this Redis

    own_redis.kill()
    started = time.perf_counter()
    assert balance(client, source) == "100.00"  # from the database
    assert api_transfer(client, source, destination.number, "25.00", key="during-outage").status_code == 201
    assert balance(client, source) == "75.00"
    assert client.get("/health").json()["status"] == "degraded"
    assert time.perf_counter() - started < 10, "each call fails fast instead of hanging"

    own_redis.start()  # an empty Redis: every counter starts at a fresh generation
    assert balance(client, source) == "75.00"
    assert balance(client, source) == "75.00"
    assert api_transfer(client, source, destination.number, "5.00", key="after-outage").status_code == 201
    assert balance(client, source) == "70.00"
    assert client.get("/health").json()["status"] == "ok"
