"""The accounts app's cache families, one function each, and the writes that retire them.
Nothing else spells their keys."""

from bankcore.cache import TTL, Slot, bump_on_commit, bumps_on_commit, lazy_scope
from bankcore.digits import ascii_whole_number

# Generation scopes: a write to one makes every value keyed by it unreachable.
ACCOUNT = "account"  # one account's row: detail, balance, its history's first page
CUSTOMER = "customer"  # everything listed per customer: accounts, history's first page
# One session: the token and its user, retired on logout and on any user change. Lazy: a
# counter is made only for a token that exists, never for one a client made up.
TOKEN = lazy_scope("token")


def account(account_id: int) -> Slot:
    """One account's row, whoever holds it, or that there is none."""
    return Slot("account", (account_id,), ((ACCOUNT, account_id),), TTL.MEDIUM, remember_not_found=True)


def account_list(customer_id: int, size: int) -> Slot:
    """The first ``size`` of a customer's accounts, read together: one snapshot of balances."""
    return Slot("account-list", (customer_id, size), ((CUSTOMER, customer_id),), TTL.MEDIUM)


# History pages hold plain rows (selectors.entry_rows), no longer model instances: the
# layout is part of their keys, so a process never reads a page cached in the old one.
HISTORY_LAYOUT = "rows"


def customer_history(customer_id: int, size: int) -> Slot:
    """The newest ``size`` ledger entries over a customer's accounts."""
    return Slot(
        "history-customer", (customer_id, size, HISTORY_LAYOUT), ((CUSTOMER, customer_id),), TTL.MEDIUM
    )


def account_history(account_id: int, size: int) -> Slot:
    """The newest ``size`` ledger entries of one account."""
    return Slot("history-account", (account_id, size, HISTORY_LAYOUT), ((ACCOUNT, account_id),), TTL.MEDIUM)


def session(digest: str) -> Slot:
    """A session token with its user. Short-lived: a change that retires no generation (a
    queryset update, a bump lost to a Redis blip) is seen within TTL.SHORT, in every process."""
    return Slot("session", (digest,), ((TOKEN, digest),), TTL.SHORT)


def accounts_changed(accounts) -> None:
    """Schedule, for after commit, the bumps that retire cached views of these accounts:
    one round trip for all of them."""
    scopes = {(ACCOUNT, account.pk) for account in accounts}
    scopes |= {(CUSTOMER, account.customer_id) for account in accounts if account.customer_id is not None}
    bumps_on_commit(sorted(scopes))


def tokens_ended(digests) -> None:
    """Retire cached sessions: on logout, and for every token of a user who changed."""
    for digest in digests:
        bump_on_commit(TOKEN, digest)


def bearer_token_digest(request, token: str) -> str:
    """knox's digest of ``token`` (a SHA-512, the session's key), hashed once per request:
    the generation prefetch and the authentication of a request both need it."""
    from knox.crypto import hash_token

    memo = getattr(request, "_bearer_token_digest", None)
    if memo is not None and memo[0] == token:
        return memo[1]
    digest = hash_token(token)
    request._bearer_token_digest = (token, digest)
    return digest


# Which customer each session token seen in this process belongs to: a token never changes
# hands, so its customer's generation can be read with the token's own, before the session
# is checked (reading a generation early is safe), and a warm list costs one round trip.
# Bounded by emptying it: a forgotten owner only costs that request a second round trip.
_token_owners: dict[str, int] = {}
TOKEN_OWNERS_KEPT = 10_000


def token_owner_remember(digest: str, user_id: int) -> None:
    if len(_token_owners) >= TOKEN_OWNERS_KEPT:
        _token_owners.clear()
    _token_owners[digest] = user_id


def request_scopes(request, view_func, view_kwargs) -> list[tuple[str, object]]:
    """The generations a request will read, known before its view runs."""
    scopes = []
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer " and " " not in header[7:].strip():
        digest = bearer_token_digest(request, header[7:].strip())
        scopes.append((TOKEN, digest))
        owner = _token_owners.get(digest)
        if owner is not None:
            scopes.append((CUSTOMER, owner))
    view_class = getattr(view_func, "cls", None)
    account_id = ascii_whole_number(str(view_kwargs.get("pk", "")))
    if getattr(view_class, "cache_scope", None) == ACCOUNT and account_id is not None:
        scopes.append((ACCOUNT, account_id))
    return scopes
