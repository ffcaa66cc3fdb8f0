"""Real threads against real PostgreSQL row locks: staff deposit limits and approvals hold."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from accounts.errors import ApprovalAlreadyDecided, DepositLimitExceeded
from accounts.models import Account, ApprovalRequest, Posting, User
from accounts.services.approvals import approval_approve
from accounts.services.deposits import deposit_create
from accounts.tests.factories import AccountFactory, UserFactory
from bankcore.backoffice.operations import config_set
from bankcore.errors import DomainError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("needs PostgreSQL row locks (SQLite serialises writers)"),
]


def _staff(email: str, codename: str) -> User:
    member = UserFactory(email=email, is_staff=True)
    member.user_permissions.add(Permission.objects.get(codename=codename))
    return User.objects.get(pk=member.pk)


def _at_once(count: int, action):
    """Run ``action(n)`` in ``count`` threads released together; returns outcomes or errors."""
    start = threading.Barrier(count)

    def attempt(n):
        start.wait()
        try:
            return action(n)
        except DomainError as exc:  # a refusal is an outcome to count
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def test_concurrent_deposits_by_one_staff_member_cannot_both_pass_the_daily_limit():
    teller = _staff("teller@example.test", "post_deposit")
    config_set(name="deposits.daily_limit_per_staff", value={"USD": 100}, actor=teller)
    accounts = [AccountFactory() for _ in range(8)]

    outcomes = _at_once(
        8, lambda n: deposit_create(account=accounts[n], amount=60_00, reason="x", actor=teller)
    )

    assert sum(isinstance(outcome, Posting) for outcome in outcomes) == 1, outcomes
    assert all(isinstance(o, Posting | DepositLimitExceeded) for o in outcomes), outcomes
    assert (
        sum(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("balance", flat=True))
        == 60_00
    )


def test_two_approvers_clicking_at_once_post_one_deposit():
    teller = _staff("teller@example.test", "post_deposit")
    approvers = [_staff(f"approver{n}@example.test", "approve_deposit") for n in range(6)]
    account = AccountFactory()
    request = deposit_create(account=account, amount=12_000_00, reason="x", actor=teller)

    outcomes = _at_once(6, lambda n: approval_approve(approval_id=request.pk, approver=approvers[n]))

    assert sum(isinstance(outcome, ApprovalRequest) for outcome in outcomes) == 1, outcomes
    assert all(isinstance(o, ApprovalRequest | ApprovalAlreadyDecided) for o in outcomes), outcomes
    assert Posting.objects.filter(kind="deposit").count() == 1
    assert Account.objects.get(pk=account.pk).balance == 12_000_00


def test_concurrent_deposits_split_below_the_threshold_post_alone_only_up_to_it():
    teller = _staff("teller@example.test", "post_deposit")
    accounts = [AccountFactory() for _ in range(5)]

    outcomes = _at_once(
        5, lambda n: deposit_create(account=accounts[n], amount=10_000_00, reason="x", actor=teller)
    )

    assert sum(isinstance(outcome, Posting) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, ApprovalRequest) for outcome in outcomes) == 4, outcomes
    assert (
        sum(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("balance", flat=True))
        == 10_000_00
    )
