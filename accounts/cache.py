"""Cache keys of the accounts app. Nothing else spells them."""

from bankcore.cache import bump_on_commit, key

# Generation scopes: a write to one makes every value keyed by it unreachable.
ACCOUNT = "account"  # one account's row: detail, balance, its history's first page
CUSTOMER = "customer"  # everything listed per customer: accounts, history's first page
USER = "user"  # the user row: profile, and whether their sessions are still good
TOKEN = "token"  # one session token


def account_key(account_id, generations) -> str:
    return key("account", account_id, *generations)


def account_list_key(customer_id, generations) -> str:
    return key("account-list", customer_id, *generations)


def customer_history_key(customer_id, generations) -> str:
    return key("history-customer", customer_id, *generations)


def account_history_key(account_id, generations) -> str:
    return key("history-account", account_id, *generations)


def token_key(digest: str, generations) -> str:
    return key("token", digest, *generations)


def user_key(user_id, generations) -> str:
    return key("user", user_id, *generations)


def accounts_changed(accounts) -> None:
    """Schedule, for after commit, the bumps that retire cached views of these accounts."""
    for account_id, customer_id in {(a.pk, a.customer_id) for a in accounts}:
        bump_on_commit(ACCOUNT, account_id)
        if customer_id is not None:
            bump_on_commit(CUSTOMER, customer_id)


def user_changed(user_id) -> None:
    bump_on_commit(USER, user_id)


def tokens_ended(digests) -> None:
    for digest in digests:
        bump_on_commit(TOKEN, digest)
