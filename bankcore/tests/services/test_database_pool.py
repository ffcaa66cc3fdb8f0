"""The pool's check of a connection it hands out: no round trip for a healthy one, and a
connection whose backend PostgreSQL ended is never handed to a request (bankcore/database/postgresql)."""

import select
import time

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from bankcore.database.postgresql.base import check_idle_connection

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


def _pool(check) -> ConnectionPool:
    pool = ConnectionPool(
        _conninfo(), min_size=1, max_size=1, check=check, open=True, kwargs={"autocommit": True}
    )
    pool.wait()
    return pool


@pytest.mark.django_db
def test_the_settings_pool_checks_its_connections_without_a_round_trip():
    connection.ensure_connection()
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    assert connection.pool._check is check_idle_connection


def test_a_healthy_connection_is_handed_out_without_a_round_trip(round_trips):
    with _pool(check_idle_connection) as pool:
        for _ in range(3):
            with pool.connection() as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
    assert round_trips == []


def test_a_connection_whose_backend_was_terminated_is_replaced_before_anyone_uses_it(round_trips):
    with _pool(check_idle_connection) as pool:
        with pool.connection() as conn:
            first = conn.info.backend_pid
        _terminate(first)
        _until_readable(conn)

        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            assert conn.info.backend_pid != first
    # The socket spoke, so the round-trip check ran: once, on the dead connection.
    assert len(round_trips) == 1


def test_without_a_check_the_pool_would_hand_out_the_dead_connection():
    """What the check is for: the same sequence with no check gives a request a dead connection."""
    with _pool(None) as pool:
        with pool.connection() as conn:
            first = conn.info.backend_pid
        _terminate(first)
        _until_readable(conn)
        with pytest.raises(psycopg.OperationalError), pool.connection() as conn:
            conn.execute("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_django_queries_go_on_after_every_pooled_backend_is_terminated():
    """As after a PostgreSQL restart: every idle connection of the pool is gone at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close()  # back to the pool
    with psycopg.connect(_conninfo(), autocommit=True) as admin:
        pids = [
            row[0]
            for row in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state = 'idle' AND application_name = ''"
            )
        ]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert pids
    time.sleep(0.2)  # the goodbyes reach the sockets
    for _ in range(5):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        connection.close()
