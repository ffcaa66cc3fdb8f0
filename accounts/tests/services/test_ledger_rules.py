"""The ledger's rules on their own: no database, no lock (accounts.services.ledger.rules)."""

import pytest

from accounts.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from accounts.models import Account
from accounts.services.ledger import Leg, debit_check
from accounts.services.ledger.rules import legs_balanced_check


def account(*, status=Account.Status.ACTIVE, currency="USD", balance=10_00) -> Account:
    return Account(
        pk=7, number="000000000701", status=status, currency=currency, balance=balance, customer_id=1
    )


def test_a_debit_within_the_balance_passes():
    debit_check(account(), amount=10_00, currency="USD")


@pytest.mark.parametrize(
    ("source", "amount", "currency", "refusal", "detail"),
    [
        (account(balance=9_99), 10_00, "USD", InsufficientFunds, "Account 000000000701 has 9.99 USD."),
        (account(), 1, "EUR", CurrencyMismatch, "The source account holds USD, the amount is in EUR."),
        (
            account(status=Account.Status.FROZEN),
            1,
            "USD",
            AccountNotActive,
            "Account 000000000701 is frozen.",
        ),
        # Checked in order: a frozen account is refused as frozen whatever else is wrong.
        (account(status=Account.Status.CLOSED, balance=0), 1, "EUR", AccountNotActive, "is closed"),
        (account(balance=0), 1, "EUR", CurrencyMismatch, "holds USD"),
    ],
)
def test_a_debit_is_refused_for_the_first_rule_it_breaks(source, amount, currency, refusal, detail):
    with pytest.raises(refusal) as raised:
        debit_check(source, amount=amount, currency=currency)
    assert detail in str(raised.value.detail)


def test_a_debit_is_judged_against_the_balance_given():
    # The ledger passes the balance earlier legs of the same postings left.
    debit_check(account(balance=0), amount=5_00, balance=5_00)
    with pytest.raises(InsufficientFunds, match=r"has 4\.99 USD"):
        debit_check(account(balance=100_00), amount=5_00, balance=4_99)


@pytest.mark.parametrize(
    "amounts",
    [[5], [5, -4], [5, 0, -5], [3, -3, 1]],
    ids=["one leg", "unbalanced", "zero leg", "three unbalanced"],
)
def test_a_posting_is_two_or_more_non_zero_legs_summing_to_zero(amounts):
    with pytest.raises(ValueError, match="sum to zero"):
        legs_balanced_check(
            [Leg(account_id=index, amount=amount, type="adjustment") for index, amount in enumerate(amounts)]
        )
    legs_balanced_check(
        [Leg(account_id=1, amount=5, type="adjustment"), Leg(account_id=2, amount=-5, type="adjustment")]
    )
