"""Every row lock on an accounts model, and every row lock the accounts app takes, is one of
accounts.locks' functions: one place for the order and the strength of locks (its docstring)."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import locks
from accounts.models import ApprovalRequest
from accounts.tests.factories import AccountFactory, UserFactory

APPS = ("bankcore", "accounts", "audit", "transfers", "kyc", "loadtest")
LOCKS_MODULE = "accounts/locks.py"
# A lock spelled in SQL. The ledger's writer takes the system accounts' rows in the statement
# that moves them, as a transaction's last statement (accounts.locks explains why); a
# money-moving transaction key-share locks its session's token (a read lock on a knox row)
# and locks its Idempotency-Key's row; on PostgreSQL a transfer takes both, then its two
# accounts, in one statement of accounts.locks.
SQL_LOCK = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)
SQL_LOCKS_ALLOWED = {
    "accounts/locks.py": "FOR NO KEY UPDATE",
    "accounts/services/ledger/writers.py": "FOR NO KEY UPDATE",
    "accounts/sessions.py": "FOR KEY SHARE",
    "transfers/idempotency.py": "FOR UPDATE",
}


def _sources():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            yield str(path.relative_to(root)), ast.parse(path.read_text())


def _locked_model(call: ast.Call) -> str | None:
    """The name of the model whose manager starts the ``select_for_update`` chain, or None
    when the chain starts elsewhere (a queryset in a variable, a function's result)."""
    node = call.func.value
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        else:
            return None


def _lock_calls(tree):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_for_update"
        ):
            yield node


def test_row_locks_on_accounts_models_are_taken_in_accounts_locks_only():
    accounts_models = {model.__name__ for model in apps.get_app_config("accounts").get_models()}
    stray = []
    for path, tree in _sources():
        if path == LOCKS_MODULE:
            continue
        for call in _lock_calls(tree):
            model = _locked_model(call)
            # In the accounts app no lock is taken outside accounts.locks; elsewhere a lock must
            # name its model, and that model must not be one of the accounts app's.
            if path.startswith("accounts/") or model is None or model in accounts_models:
                stray.append(f"{path}:{call.lineno} ({model or 'a queryset of unknown model'})")
    assert not stray, "lock through accounts.locks: " + ", ".join(stray)


def test_row_locks_in_sql_are_the_known_ones():
    found = {}
    for path, tree in _sources():
        # Docstrings name strengths too: only the strings that are values count.
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                for match in SQL_LOCK.finditer(node.value):
                    found.setdefault(path, set()).add(" ".join(match.group().upper().split()))
    assert found == {path: {strength} for path, strength in SQL_LOCKS_ALLOWED.items()}


def test_the_lock_module_takes_each_lock_in_primary_key_order():
    tree = ast.parse((Path(settings.BASE_DIR) / LOCKS_MODULE).read_text())
    for call in _lock_calls(tree):
        chain = ast.unparse(call)
        assert '.order_by("pk")' in chain or ".order_by('pk')" in chain, chain


def _lock_clause(call) -> str:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        call()
    [clause] = {match.group() for query in queries for match in SQL_LOCK.finditer(query["sql"])}
    return clause


@pytest.mark.django_db
@pytest.mark.requires_postgres("SQLite takes no row locks")
def test_each_lock_takes_the_strength_of_the_policy():
    account = AccountFactory()
    group = Group.objects.create(name="tellers")
    approval = ApprovalRequest.objects.create(
        action="test", payload={}, requested_by=UserFactory(is_staff=True)
    )
    no_key = {
        "customer accounts": lambda: locks.customer_accounts_lock([account.pk]),
        "transfer accounts": lambda: locks.transfer_accounts_lock(
            customer_id=account.customer_id, source_id=account.pk, destination_number=account.number
        ),
        "account": lambda: locks.account_lock(account_id=account.pk),
        "user": lambda: locks.user_lock(user_id=account.customer_id),
        "users": lambda: locks.users_lock([account.customer_id]),
        "user's row": lambda: locks.user_row_lock(user_id=account.customer_id),
        "approval request": lambda: locks.approval_request_lock(approval_id=approval.pk),
        "second-factor devices": lambda: locks.second_factor_devices_lock(user_id=account.customer_id),
    }
    key_change = {
        "user's email": lambda: locks.user_lock_for_key_change(user_id=account.customer_id),
        "group's name": lambda: locks.group_lock(group_id=group.pk),
    }
    strengths = {name: _lock_clause(call) for name, call in {**no_key, **key_change}.items()}
    assert strengths == {name: "FOR NO KEY UPDATE" for name in no_key} | {
        name: "FOR UPDATE" for name in key_change
    }


class _Refused(Exception):
    pass


def _guard(passes: bool) -> locks.Guard:
    sql = "SELECT 1 WHERE %s"

    def hold():
        with connection.cursor() as cursor:
            cursor.execute(sql, [passes])
            if cursor.fetchone() is None:
                raise _Refused()

    return locks.Guard(sql, [passes], hold, _Refused)


@pytest.mark.django_db
def test_a_transfer_lock_with_guards_locks_what_it_locks_without_them_or_refuses():
    source = AccountFactory()
    destination = AccountFactory()
    unknown = "000000000000"

    def lock(number, guards):
        with transaction.atomic():
            return locks.transfer_accounts_lock(
                customer_id=source.customer_id, source_id=source.pk, destination_number=number, guards=guards
            )

    for number in (destination.number, unknown):
        plain = lock(number, ())
        guarded = lock(number, [_guard(True), _guard(True)])
        assert {pk: vars(a) | {"_state": None} for pk, a in guarded.items()} == {
            pk: vars(a) | {"_state": None} for pk, a in plain.items()
        }
    assert lock(unknown, [_guard(True)]).keys() == {source.pk}
    with pytest.raises(_Refused):
        lock(destination.number, [_guard(True), _guard(False)])
