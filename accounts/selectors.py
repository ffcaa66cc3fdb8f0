from django.db.models import QuerySet

from accounts import cache as keys
from accounts.models import Account, LedgerEntry, User
from bankcore.cache import TTL, generations, get_or_set


def account_list_for_customer(*, customer: User) -> QuerySet[Account]:
    """The customer's accounts in one query: their balances are one consistent snapshot."""
    return Account.objects.filter(customer=customer).order_by("id")


def entry_list_for_account(*, account: Account) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(account=account)


def account_for_customer(*, customer: User, account_id: int) -> Account | None:
    """The customer's account ``account_id`` from the cache, or None (also for others')."""
    cache_key = keys.account_key(account_id, generations((keys.ACCOUNT, account_id)))
    account = get_or_set(
        "account",
        cache_key,
        lambda: Account.objects.filter(pk=account_id).first(),
        timeout=TTL.MEDIUM,
        cache_not_found=True,
    )
    return account if account is not None and account.customer_id == customer.pk else None


def account_list_for_customer_cached(*, customer: User) -> list[Account]:
    """The customer's accounts as one snapshot, from the cache when it is current."""
    cache_key = keys.account_list_key(customer.pk, generations((keys.CUSTOMER, customer.pk)))
    return get_or_set(
        "account-list",
        cache_key,
        lambda: list(account_list_for_customer(customer=customer)),
        timeout=TTL.MEDIUM,
    )
