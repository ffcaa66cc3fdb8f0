"""The pool's check of a connection it hands out: no round trip for a connection in
steady use, one after an idle spell, and a connection whose backend PostgreSQL ended is
never handed to a request (bankcore/database/postgresql)."""

import select
import time

import psycopg
import pytest
from django.db import connection, connections
from psycopg_pool import ConnectionPool

from bankcore.database.postgresql import base
from bankcore.database.postgresql.base import DatabaseWrapper, check_idle_connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the connection pool is PostgreSQL's: run with DATABASE_URL=postgres://...",
)


def _conninfo() -> str:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.conninfo.make_conninfo(**params)


def _terminate(pid: int) -> None:
    with psycopg.connect(_conninfo(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _until_readable(conn, seconds: float = 5.0) -> None:
    """Wait for the server's goodbye to reach the socket (it is sent before the backend exits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([conn.pgconn.socket], [], [], 0.05)[0]:
            return
    raise AssertionError("the terminated backend's socket never became readable")


@pytest.fixture
def round_trips(monkeypatch):
    """How many times the round-trip check (an empty query, answered) ran."""
    calls = []
    real = ConnectionPool.check_connection

    def counted(conn):
        calls.append(conn)
        real(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return calls


@pytest.fixture
def checks():
    """A pool of one connection checked by check_idle_connection, and how often it checked."""
    calls = []

    def counted(conn):
        calls.append(conn)
        check_idle_connection(conn)

    pool = ConnectionPool(
        _conninfo(), min_size=1, max_size=1, check=counted, open=True, kwargs={"autocommit": True}
    )
    pool.wait()
    yield pool, calls
    pool.close()


@pytest.mark.django_db
def test_the_settings_pool_checks_its_connections_with_the_socket_check():
    assert connection.settings_dict["ENGINE"] == "bankcore.database.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.ensure_connection()
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.pool._check is check_idle_connection


def test_a_connection_in_steady_use_is_handed_out_without_a_round_trip(checks, round_trips):
    pool, calls = checks
    for _ in range(5):
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert len(calls) == 5  # checked at every checkout
    assert len(round_trips) == 1  # a round trip only the first time it was handed out


def test_a_connection_idle_for_a_while_gets_the_round_trip(checks, round_trips, monkeypatch):
    """What only a round trip shows (a peer gone that would answer with a reset) is looked
    for after an idle spell."""
    pool, _ = checks
    monkeypatch.setattr(base, "ROUND_TRIP_AFTER_IDLE_SECONDS", 0.0)
    for _ in range(3):
        with pool.connection() as conn:
            conn.execute("SELECT 1")
        time.sleep(0.01)
    assert len(round_trips) == 3


def test_a_connection_whose_backend_was_terminated_is_replaced_before_anyone_uses_it(checks, round_trips):
    pool, _ = checks
    with pool.connection() as dead:
        first = dead.info.backend_pid
    _terminate(first)
    _until_readable(dead)

    with pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.backend_pid != first
    # The socket spoke: the round-trip check ran on the dead connection and threw it away
    # (then once more on its replacement, a connection never handed out before).
    assert round_trips[1] is dead
    assert len(round_trips) == 3


def test_without_a_check_the_pool_would_hand_out_the_dead_connection():
    """What the check is for: the same sequence with no check gives a request a dead connection."""
    with ConnectionPool(
        _conninfo(), min_size=1, max_size=1, check=None, open=True, kwargs={"autocommit": True}
    ) as pool:
        pool.wait()
        with pool.connection() as conn:
            first = conn.info.backend_pid
        _terminate(first)
        _until_readable(conn)
        with pytest.raises(psycopg.OperationalError), pool.connection() as conn:
            conn.execute("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_django_queries_go_on_after_the_pooled_backend_is_terminated():
    """Through Django and bankcore's backend, as after a PostgreSQL restart: a pool of its
    own (one connection) under an alias of its own."""
    settings_dict = {
        **connection.settings_dict,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}},
    }
    wrapper = DatabaseWrapper(settings_dict, alias="pool_check_test")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (first,) = cursor.fetchone()
        raw = wrapper.connection
        wrapper.close()  # back to the pool
        _terminate(first)
        _until_readable(raw)
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (second,) = cursor.fetchone()
        assert second != first
    finally:
        wrapper.close()
        wrapper.close_pool()
