"""Django's PostgreSQL backend with a cheaper check of pooled connections.

With CONN_HEALTH_CHECKS, Django hands its pool psycopg_pool's ``check_connection``, which
sends an empty query and waits for the answer each time a request takes a connection: one
more round trip to PostgreSQL, and a backend woken, for every request that touches the
database. ``check_idle_connection`` asks the socket instead when the connection was handed
out moments ago. A connection the server has ended (a restart, ``pg_terminate_backend``,
an idle timeout) has something to read on its socket, the server's last error and then the
end of the stream; a healthy idle one has nothing. Only then does it run the round-trip
check, which raises, and the pool throws the connection away and hands out another: after
a PostgreSQL restart no request meets a dead connection, as with the round-trip check.

What a socket cannot show without sending is a peer that is gone and will answer a send
with a reset (a database host rebooted or failed over, a moved address): only the round
trip finds those. So a connection that has not been handed out for
``ROUND_TRIP_AFTER_IDLE_SECONDS`` gets the round-trip check as before; under load every
connection is in use far more often than that and never pays it. A connection in use
moments before such a failover can still meet it: its request's query fails with a 503
(``service_unavailable``), and the pool replaces the connection.
"""

import select
import time

from django.db.backends.postgresql import base
from psycopg import OperationalError
from psycopg_pool import ConnectionPool

# A connection idle longer than this gets the round-trip check on its next checkout.
ROUND_TRIP_AFTER_IDLE_SECONDS = 5.0


def check_idle_connection(conn) -> None:
    """Raise if a pooled connection cannot be used; a round trip only when its socket
    says so, or when it has been idle for a while."""
    if conn.closed or conn.broken:
        raise OperationalError("the connection is closed")
    now = time.monotonic()
    handed_out_before = getattr(conn, "_bankcore_handed_out_at", None)
    conn._bankcore_handed_out_at = now
    idle_a_while = handed_out_before is None or now - handed_out_before > ROUND_TRIP_AFTER_IDLE_SECONDS
    # Idle a while, or the server's goodbye (or a notice an idle connection may get) is
    # waiting: let the real check talk to the server and decide.
    if idle_a_while or _has_something_to_read(conn):
        ConnectionPool.check_connection(conn)


def _has_something_to_read(conn) -> bool:
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # Django passes the pool its round-trip check when CONN_HEALTH_CHECKS is on (bankcore's
        # settings turn it on); the pool keeps the check it was given in ``_check`` and calls
        # it on every checkout. Swapped once, before the pool hands out its first connection.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = check_idle_connection
        return pool
