"""Every row lock the accounts app takes, and every lock on its rows: one function per need.

Each function locks in primary-key order, so two transactions that lock the same rows can
never wait on each other; none joins another table, so each locks only the rows it names.
Callers check their rules after the lock, on the rows it returns, never before.

The strength (one policy, for every row here):

- ``FOR NO KEY UPDATE`` whenever no key column changes under the lock: a balance, a status,
  a password, a flag, or nothing at all (a row locked only to serialise its owner's
  requests, such as a customer's wires or a member of staff's second-factor setup).
  PostgreSQL checks a foreign key at commit by taking a key-share lock on the row it
  points at: every transfer, wire or deposit key-shares its accounts and their customer
  through the rows it inserts. A full ``FOR UPDATE`` blocks that check, and a transaction
  that holds one while it waits on the other deadlocks with it (a password set deleting the
  tokens of a transfer in flight did, and a deposit did with a wire).
- ``FOR UPDATE`` only when the update may change a key: a column with a unique constraint
  that a foreign key could point at (a user's email, by a superuser's access change). A
  concurrent commit pointing at the row must then wait, as PostgreSQL requires.

The ledger's writer takes the system accounts' rows in its own statement, FOR NO KEY UPDATE
in primary-key order as here, as the last statement of a ``ledger_transaction`` (see
accounts.services.ledger.writers): a lock taken any earlier would queue every deposit and
wire on the bank's hottest rows.

Rows of the apps above accounts (KYC profiles and documents, wires, idempotency keys) are
locked by those apps' own services, which this module cannot import; the policy here is
for the rows here. The accounts services' locks on rows of Django's and django-otp's models
(groups, authenticator devices) are here too, so that the accounts app locks in one place.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account, ApprovalRequest, RecoveryCodeDevice, User


def customer_accounts_lock(account_ids: Iterable[int]) -> dict[int, Account]:
    """The customer accounts among ``account_ids``, locked FOR NO KEY UPDATE (balances and
    statuses change, never a key). System accounts among them are left alone."""
    locked = Account.objects.filter(pk__in=set(account_ids), customer__isnull=False)
    return {account.pk: account for account in _no_key(locked)}


@dataclass(frozen=True)
class Guard:
    """A check that must pass, with the rows it reads locked, before a lock is taken.

    ``sql`` and ``params`` are a query that returns a row when the check passes (and takes
    its own row locks); ``hold`` runs it on its own and raises when it fails; ``refusal``
    is what it raises. On PostgreSQL a lock embeds its guards in its own statement.
    """

    sql: str
    params: Sequence
    hold: Callable[[], None]
    refusal: Callable[[], Exception]


def transfer_accounts_lock(
    *, customer_id: int, source_id: int, destination_number: str, guards: Sequence[Guard] = ()
) -> dict[int, Account]:
    """Lock, in one statement, the customer's own ``source_id`` and the customer account
    numbered ``destination_number``: whichever of the two exist. FOR NO KEY UPDATE.

    ``guards`` are checked first, in order, and hold their locks before any account is
    locked (a transfer waiting for an account already holds its session and its claim); the
    first that fails raises its refusal and no account is locked. On PostgreSQL the guards
    and the lock are one statement, one round trip; elsewhere each guard holds on its own.
    """
    if guards and connection.vendor == "postgresql":
        return _accounts_lock_guarded(
            "(a.id = %s AND a.customer_id = %s) OR (a.number = %s AND a.customer_id IS NOT NULL)",
            [source_id, customer_id, destination_number],
            guards=guards,
        )
    for guard in guards:
        guard.hold()
    locked = Account.objects.filter(
        Q(pk=source_id, customer_id=customer_id) | Q(number=destination_number, customer__isnull=False)
    )
    return {account.pk: account for account in _no_key(locked)}


def customer_account_lock(
    *, account_id: int, customer_id: int, guards: Sequence[Guard] = ()
) -> Account | None:
    """The customer's account ``account_id``, locked FOR NO KEY UPDATE, after ``guards``
    (as ``transfer_accounts_lock``: checked in order, each holding its lock before the
    account is locked; one statement on PostgreSQL). None when the customer has no such
    account."""
    if guards and connection.vendor == "postgresql":
        accounts = _accounts_lock_guarded(
            "a.id = %s AND a.customer_id = %s", [account_id, customer_id], guards=guards
        )
        return accounts.get(account_id)
    for guard in guards:
        guard.hold()
    return account_lock(account_id=account_id, customer_id=customer_id)


def active_user_row_guard(*, user_id: int, refusal: Callable[[], Exception]) -> Guard:
    """``user_row_lock`` as a guard, to be taken first in a statement that locks more: the
    user's row locked FOR NO KEY UPDATE while the user is active; ``refusal`` when there is
    no such user or they are no longer active.

    The activity is checked by the lock itself, and must be: a statement reads with the
    snapshot it started with, so one that waited for this row (while staff deactivated the
    user) would otherwise go on reading them as active. A row it locks is the exception,
    read again at its newest version after the wait."""
    table = connection.ops.quote_name(User._meta.db_table)
    # The model's table; the id a parameter.
    sql = f"SELECT 1 FROM {table} WHERE id = %s AND is_active"  # noqa: S608
    if connection.features.has_select_for_update:
        sql += " FOR NO KEY UPDATE"

    def hold() -> None:
        if not _no_key(User.objects.filter(pk=user_id, is_active=True)).values_list("pk", flat=True):
            raise refusal()

    return Guard(sql, [user_id], hold, refusal)


def _accounts_lock_guarded(where: str, params: Sequence, *, guards: Sequence[Guard]) -> dict[int, Account]:
    """The accounts ``a`` matching ``where``, locked FOR NO KEY UPDATE in primary-key order
    after ``guards``, in one PostgreSQL statement.

    The guards are a materialised CTE, evaluated once and first, in order: the accounts are
    read (and locked) by a lateral subquery that needs every guard's row, so no account is
    locked when a guard fails. One row comes back whatever happens (the guards' answers),
    with the accounts' columns when there are accounts.
    """
    fields = Account._meta.concrete_fields
    table = connection.ops.quote_name(Account._meta.db_table)
    columns = ", ".join(f"a.{connection.ops.quote_name(field.column)}" for field in fields)
    passed = " AND ".join(f"g.passed_{n} IS NOT NULL" for n in range(len(guards)))
    # The guards' SQL is their owners' (accounts.sessions, transfers.idempotency), with
    # parameters of its own.
    checks = ", ".join(
        f"(SELECT 1 FROM ({guard.sql}) AS g{n}) AS passed_{n}"  # noqa: S608
        for n, guard in enumerate(guards)
    )
    # Table names are the models', ``where`` is its callers' constant text, every value is
    # a parameter.
    sql = (
        f"WITH g AS MATERIALIZED (SELECT {checks}) "  # noqa: S608
        f"SELECT {', '.join(f'g.passed_{n}' for n in range(len(guards)))}, {columns} FROM g "
        f"LEFT JOIN LATERAL (SELECT * FROM {table} a WHERE {passed} AND ({where}) "
        "ORDER BY a.id FOR NO KEY UPDATE) a ON true"
    )
    params = [*(param for guard in guards for param in guard.params), *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for n, guard in enumerate(guards):
        if rows[0][n] is None:
            raise guard.refusal()
    names = [field.attname for field in fields]
    accounts = [Account.from_db(connection.alias, names, row[len(guards) :]) for row in rows]
    return {account.pk: account for account in accounts if account.pk is not None}


def account_lock(*, account_id: int, customer_id: int | None = None) -> Account | None:
    """Account ``account_id`` (only if it is ``customer_id``'s, when given), locked FOR NO KEY
    UPDATE: its balance or status changes under the lock. None when there is no such account."""
    scope = {"customer_id": customer_id} if customer_id is not None else {}
    return _no_key(Account.objects.filter(pk=account_id, **scope)).first()


def user_lock(*, user_id: int) -> User:
    """User ``user_id``, locked FOR NO KEY UPDATE: a flag, a password or nothing changes (a
    lock that serialises the user's requests). Raises ``User.DoesNotExist``."""
    return _no_key(User.objects.filter(pk=user_id)).get()


def users_lock(user_ids: Iterable[int]) -> dict[int, User]:
    """The users ``user_ids``, locked FOR NO KEY UPDATE in primary-key order."""
    return {user.pk: user for user in _no_key(User.objects.filter(pk__in=set(user_ids)))}


def user_row_lock(*, user_id: int) -> None:
    """Lock user ``user_id``'s row FOR NO KEY UPDATE without reading it: a lock that only
    serialises the user's requests (a customer's wires, on every wire), so no User is
    built. Nothing happens for a user that does not exist."""
    list(_no_key(User.objects.filter(pk=user_id)).values_list("pk", flat=True))


def user_lock_for_key_change(*, user_id: int) -> User:
    """User ``user_id``, locked FOR UPDATE: its email, a key, may change under the lock.
    Raises ``User.DoesNotExist``."""
    return User.objects.filter(pk=user_id).order_by("pk").select_for_update().get()


def approval_request_lock(*, approval_id: int) -> None:
    """Lock a four-eyes request FOR NO KEY UPDATE, as deciding it does (its status changes by a
    conditional update, which takes the same lock)."""
    list(_no_key(ApprovalRequest.objects.filter(pk=approval_id)).values_list("pk", flat=True))


def group_lock(*, group_id: int) -> Group:
    """Group ``group_id``, locked FOR UPDATE: its name, a key (unique), may change."""
    return Group.objects.filter(pk=group_id).order_by("pk").select_for_update().get()


def second_factor_devices_lock(*, user_id: int) -> tuple[TOTPDevice | None, RecoveryCodeDevice | None]:
    """The user's confirmed authenticator and recovery-code device, each locked FOR NO KEY
    UPDATE (a code is used up, no key changes): one code never signs in twice."""
    authenticator = _no_key(TOTPDevice.objects.filter(user_id=user_id, confirmed=True)).first()
    recovery = _no_key(RecoveryCodeDevice.objects.filter(user_id=user_id, confirmed=True)).first()
    return authenticator, recovery


def _no_key(queryset):
    return queryset.order_by("pk").select_for_update(no_key=True)
