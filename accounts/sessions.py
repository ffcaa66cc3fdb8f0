"""The session check that money-moving transactions make against the database itself.

Authentication reads sessions from the cache, which may lag a logout, a password change
or a deactivation by a few seconds (or longer, when a bump is lost to a Redis blip).
Money must not move on a session that has ended, so each money-moving transaction
re-reads its token row.
"""

from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from accounts.errors import SessionEnded
from accounts.models import User


def session_hold(*, auth_token: AuthToken) -> None:
    """Go on only if this session is alive, and keep it alive until the transaction ends.

    Call it inside the money-moving transaction. The token row is locked FOR KEY SHARE,
    which blocks its deletion alone: a concurrent logout or password change waits for this
    transaction to end, or has already ended the session and this refuses with a 401.
    Concurrent transfers of one session do not wait for each other.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("session_hold must run inside the money-moving transaction")
    sql, params = session_hold_sql(auth_token=auth_token)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.fetchone() is None:
            raise SessionEnded()


def session_hold_sql(*, auth_token: AuthToken) -> tuple[str, list]:
    """``session_hold``'s query and its parameters: a row (1) while the session is alive, with
    its token row locked FOR KEY SHARE where the database has row locks; no row once it has
    ended. A statement that checks more in one round trip embeds it (``SessionEnded`` is
    then its caller's to raise)."""
    token_table = connection.ops.quote_name(AuthToken._meta.db_table)
    user_table = connection.ops.quote_name(User._meta.db_table)
    params = [auth_token.digest]
    if connection.vendor == "postgresql":
        # The time the check runs: in a statement that first waits for other locks, later
        # than the statement was made (or began: now() would be the transaction's start).
        now = "clock_timestamp()"
    else:
        now = "%s"
        params.append(connection.ops.adapt_datetimefield_value(timezone.now()))
    # The table names are the models', every value is a parameter.
    sql = (
        f"SELECT 1 FROM {token_table} t JOIN {user_table} u ON u.id = t.user_id "  # noqa: S608
        f"WHERE t.digest = %s AND t.expiry > {now} AND u.is_active AND t.created >= u.password_changed_at"
    )
    if connection.features.has_select_for_update:
        # SQLite has no row locks; its IMMEDIATE transactions already exclude other writers.
        sql += " FOR KEY SHARE OF t"
    return sql, params
