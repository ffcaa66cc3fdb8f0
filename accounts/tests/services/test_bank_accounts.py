import pytest
from django.db import IntegrityError

from accounts.models import Account
from accounts.services import bank_accounts
from accounts.services.bank_accounts import account_freeze, account_open, account_unfreeze
from accounts.tests.factories import AccountFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import ReasonRequired

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn_numbers(monkeypatch):
    """Record every account number drawn, and serve the ones a test queues up first."""
    queued, drawn = [], []
    draw = bank_accounts.account_number_generate

    def next_number():
        drawn.append(queued.pop(0) if queued else draw())
        return drawn[-1]

    monkeypatch.setattr(bank_accounts, "account_number_generate", next_number)
    return queued, drawn


def test_a_number_already_in_use_is_drawn_again(customer, drawn_numbers):
    queued, drawn = drawn_numbers
    taken = AccountFactory().number
    queued.append(taken)
    account = account_open(customer=customer, kind="checking", currency="USD")
    assert drawn[0] == taken
    assert account.number == drawn[1] != taken


def test_an_account_the_database_refuses_for_another_reason_fails_at_once(customer, drawn_numbers):
    _, drawn = drawn_numbers
    with pytest.raises(IntegrityError):
        account_open(
            customer=customer, kind=Account.Kind.SYSTEM, currency="USD"
        )  # a customer's system account
    assert len(drawn) == 1, "only a number collision is worth another draw"
    assert not Account.objects.exists()


@pytest.mark.parametrize("service", [account_freeze, account_unfreeze])
@pytest.mark.parametrize("reason", ["", "   "])
def test_freezing_and_unfreezing_need_a_reason_and_change_nothing_without_one(staff_user, service, reason):
    account = AccountFactory()
    with pytest.raises(ReasonRequired):
        service(account=account, actor=staff_user, reason=reason)
    account.refresh_from_db()
    assert account.status == Account.Status.ACTIVE
    assert not AuditEvent.objects.exists()


def test_a_freeze_records_its_reason(staff_user):
    account = AccountFactory()
    account_freeze(account=account, actor=staff_user, reason="  court order ")
    event = AuditEvent.objects.get(action=actions.ACCOUNT_FROZEN)
    assert event.after == {"status": "frozen", "reason": "court order"}
