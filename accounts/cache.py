"""Cache keys of the accounts app. Nothing else spells them."""

from bankcore.cache import bump_on_commit, key, lazy_scope

# Generation scopes: a write to one makes every value keyed by it unreachable.
ACCOUNT = "account"  # one account's row: detail, balance, its history's first page
CUSTOMER = "customer"  # everything listed per customer: accounts, history's first page
# One session: the token and its user, retired on logout and on any user change. Lazy: a
# counter is made only for a token that exists, never for one a client made up.
TOKEN = lazy_scope("token")


def account_key(account_id, generations) -> str:
    return key("account", account_id, *generations)


def account_list_key(customer_id, generations) -> str:
    return key("account-list", customer_id, *generations)


def customer_history_key(customer_id, generations) -> str:
    return key("history-customer", customer_id, *generations)


def account_history_key(account_id, generations) -> str:
    return key("history-account", account_id, *generations)


def session_key(digest: str, generations) -> str:
    return key("session", digest, *generations)


def accounts_changed(accounts) -> None:
    """Schedule, for after commit, the bumps that retire cached views of these accounts."""
    for account_id, customer_id in {(a.pk, a.customer_id) for a in accounts}:
        bump_on_commit(ACCOUNT, account_id)
        if customer_id is not None:
            bump_on_commit(CUSTOMER, customer_id)


def tokens_ended(digests) -> None:
    """Retire cached sessions: on logout, and for every token of a user who changed."""
    for digest in digests:
        bump_on_commit(TOKEN, digest)


def request_scopes(request, view_func, view_kwargs) -> list[tuple[str, object]]:
    """The generations a request will read, known before its view runs."""
    from knox.crypto import hash_token

    scopes = []
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and " " not in header[7:].strip():
        scopes.append((TOKEN, hash_token(header[7:].strip())))
    view_class = getattr(view_func, "cls", None)
    if getattr(view_class, "cache_scope", None) == ACCOUNT and str(view_kwargs.get("pk", "")).isdigit():
        scopes.append((ACCOUNT, int(view_kwargs["pk"])))
    return scopes
