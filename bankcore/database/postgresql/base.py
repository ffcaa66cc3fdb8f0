"""Django's PostgreSQL backend with a cheaper check of pooled connections.

With CONN_HEALTH_CHECKS, Django hands its pool psycopg_pool's ``check_connection``, which
sends an empty query and waits for the answer each time a request takes a connection: one
more round trip to PostgreSQL, and a backend woken, for every request that touches the
database. ``check_idle_connection`` asks the socket instead. A connection the server has
ended (a restart, ``pg_terminate_backend``, an idle timeout) has something to read on its
socket, the server's last error and then the end of the stream; a healthy idle connection
has nothing. Only then does it run the round-trip check, which raises, and the pool throws
the connection away and hands out another: after a PostgreSQL restart no request meets a
dead connection, as with the round-trip check. What neither check can see without
waiting (a server host gone without closing its sockets) ends in the connect and statement
timeouts, as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import OperationalError
from psycopg_pool import ConnectionPool


def check_idle_connection(conn) -> None:
    """Raise if a pooled connection cannot be used; a round trip only when its socket says so."""
    if conn.closed or conn.broken:
        raise OperationalError("the connection is closed")
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN)
    if poller.poll(0):
        # The server's goodbye, or a notice an idle connection may get: let the real check
        # read it and decide.
        ConnectionPool.check_connection(conn)


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
