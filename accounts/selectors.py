from django.db.models import QuerySet

from accounts import cache
from accounts.models import Account, LedgerEntry, User
from bankcore.cache import get_or_set


def account_list_for_customer(*, customer: User) -> QuerySet[Account]:
    """The customer's accounts in one query: their balances are one consistent snapshot."""
    return Account.objects.filter(customer=customer).order_by("id")


def entry_list_for_account(*, account: Account) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(account=account)


# A ledger entry as the history reads it: its response body's fields, and the owner that
# CustomerScopedViewSet checks. Plain rows cost a fraction of model instances to read,
# cache and render.
ENTRY_ROW_FIELDS = (
    "id",
    "account_id",
    "customer_id",
    "posting_id",
    "type",
    "status",
    "amount",
    "balance_after",
    "currency",
    "description",
    "created_at",
)


def entry_rows(entries: QuerySet[LedgerEntry]) -> QuerySet[dict]:
    """``entries`` as plain rows (dicts of ENTRY_ROW_FIELDS)."""
    return entries.values(*ENTRY_ROW_FIELDS)


# The cached reads below keep rows, never rendered responses: each request renders its
# own, with links to its own host. CustomerScopedViewSet checks the owner of every row they
# hand it, so account_cached may read whoever's account it is asked for.


def account_cached(*, account_id: int) -> Account | None:
    """Account ``account_id``, or None, from the cache when it is current."""
    return get_or_set(cache.account(account_id), lambda: Account.objects.filter(pk=account_id).first())


def account_first_page_cached(*, customer: User, size: int) -> list[Account]:
    """The customer's first ``size`` accounts, oldest first, from the cache when current."""
    return get_or_set(
        cache.account_list(customer.pk, size),
        lambda: list(account_list_for_customer(customer=customer)[:size]),
    )


def entry_first_page_for_customer_cached(*, customer: User, size: int) -> list[dict]:
    """The customer's newest ``size`` entries as plain rows, newest first, from the cache
    when current."""
    return get_or_set(
        cache.customer_history(customer.pk, size),
        lambda: list(entry_rows(LedgerEntry.objects.filter(customer=customer).order_by("-id"))[:size]),
    )


def entry_first_page_for_account_cached(*, account: Account, size: int) -> list[dict]:
    """The account's newest ``size`` entries as plain rows, newest first, from the cache
    when current."""
    return get_or_set(
        cache.account_history(account.pk, size),
        lambda: list(entry_rows(entry_list_for_account(account=account).order_by("-id"))[:size]),
    )
