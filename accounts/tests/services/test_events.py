"""Accounts and deposits publish their events (bankcore.events) with the change."""

import pytest

from accounts.errors import AccountLimitReached
from accounts.services.bank_accounts import account_freeze, account_open, account_unfreeze
from accounts.tests.factories import AccountFactory, fund
from bankcore.models import Event


def events_since(since: int) -> list[tuple[str, str, int, int]]:
    return [
        (e.type, e.object_type, e.object_id, e.customer_id)
        for e in Event.objects.filter(id__gt=since).order_by("id")
    ]


def newest_id() -> int:
    newest = Event.objects.order_by("-id").first()
    return newest.pk if newest else 0


def test_opening_freezing_and_unfreezing_an_account(customer, staff_user):
    since = newest_id()
    account = account_open(customer=customer, kind="checking", currency="USD")
    account_freeze(account=account, actor=staff_user, reason="court order")
    account_unfreeze(account=account, actor=staff_user, reason="order lifted")
    assert events_since(since) == [
        ("account.opened", "account", account.pk, customer.pk),
        ("account.frozen", "account", account.pk, customer.pk),
        ("account.unfrozen", "account", account.pk, customer.pk),
    ]


def test_a_deposit_names_the_account_it_credited(customer):
    account = AccountFactory(customer=customer)
    since = newest_id()
    fund(account, 25_00)
    assert events_since(since) == [("deposit.posted", "account", account.pk, customer.pk)]


def test_an_account_refused_publishes_nothing(customer, settings):
    from bankcore.config import config_get

    for _ in range(config_get("accounts.max_per_customer")):
        account_open(customer=customer, kind="checking", currency="USD")
    since = newest_id()
    with pytest.raises(AccountLimitReached):
        account_open(customer=customer, kind="checking", currency="USD")
    assert events_since(since) == []


def test_freezing_a_frozen_account_announces_nothing_new(customer, staff_user):
    account = account_open(customer=customer, kind="checking", currency="USD")
    account_freeze(account=account, actor=staff_user, reason="court order")
    since = newest_id()
    account_freeze(account=account, actor=staff_user, reason="court order, again")
    account_unfreeze(account=account, actor=staff_user, reason="lifted")
    account_unfreeze(account=account, actor=staff_user, reason="lifted, again")
    assert events_since(since) == [("account.unfrozen", "account", account.pk, customer.pk)]
