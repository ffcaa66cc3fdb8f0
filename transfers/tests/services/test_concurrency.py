"""Real threads against real PostgreSQL row locks: the ledger holds under contention."""

import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from knox.models import AuthToken

from accounts.models import Account, LedgerEntry, Posting
from accounts.numbers import account_number_generate
from accounts.services.signin import auth_token_issue
from accounts.services.users import user_password_set, user_set_active
from accounts.tests.factories import AccountFactory, UserFactory, fund
from accounts.verification import ledger_verify
from audit import actions
from audit.models import AuditEvent
from transfers import idempotency
from transfers.models import IdempotencyKey, Transfer
from transfers.tests.helpers import Request, SessionsHeld, held_up, lock_waiters, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("needs PostgreSQL row locks (SQLite serialises writers)"),
]


@pytest.fixture
def post_transfer(api_transfer):
    """POST a transfer as a worker thread would: (status, body), and the connection given back."""

    def post(client, source, destination, amount, key):
        response = api_transfer(client, source, destination.number, amount, key=key)
        # A real server returns the connection to the pool when the request ends.
        connection.close()
        return response.status_code, response.json()

    return post


def test_32_threads_of_random_transfers_keep_every_invariant(bearer_client, post_transfer):
    owners = UserFactory.create_batch(4)
    accounts = [fund(AccountFactory(customer=owners[n % 4]), 500_00) for n in range(8)]
    clients_by_owner = {owner.pk: auth_token_issue(user=owner)[0] for owner in owners}
    total_before = sum(a.balance for a in accounts)
    results: list[tuple[int, dict]] = []

    # A fixed number of transfers per thread, never a time budget: a busy machine makes the
    # run slower, not smaller.
    start = threading.Barrier(32)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        clients = {pk: bearer_client(token=token) for pk, token in clients_by_owner.items()}
        start.wait()
        try:
            for _ in range(8):
                source, destination = rng.sample(accounts, 2)
                amount = rng.choice(["0.01", "1.00", "12.34", "99.99", "250.00", "600.00"])
                results.append(
                    post_transfer(clients[source.customer_id], source, destination, amount, uuid.uuid4().hex)
                )
        finally:
            connection.close()

    with SessionsHeld() as held, ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(worker, range(32)))

    # More sessions at once than a server process's pool holds (8): the threads ran together.
    # (Not half of the 32 threads: a transfer is now a few round trips, and the GIL lets
    # only one thread build its statements at a time.)
    assert held.most > 8, f"at most {held.most} sessions at once: the threads did not run together"
    statuses = Counter(status for status, _ in results)
    codes = Counter(body.get("code") for status, body in results if status != 201)
    assert set(statuses) <= {201, 422}, (statuses, codes)
    assert set(codes) <= {"insufficient_funds"}, codes
    assert statuses[201] > 100, statuses
    pairs = {(body["source_account"], body["destination_account_number"]) for s, body in results if s == 201}
    numbers = {a.pk: a.number for a in accounts}
    assert any(
        (b_id, numbers[a_id]) in pairs and (a_id, numbers[b_id]) in pairs
        for a_id in numbers
        for b_id in numbers
    )

    balances = list(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("balance", flat=True))
    assert min(balances) >= 0
    assert sum(balances) == total_before
    assert ledger_verify().ok

    created = [body for status, body in results if status == 201]
    assert len({body["id"] for body in created}) == len(created) == Transfer.objects.count()
    assert Posting.objects.filter(kind="transfer").count() == len(created)
    per_posting = Counter(
        LedgerEntry.objects.filter(posting_id__in=[b["posting_id"] for b in created]).values_list(
            "posting_id", flat=True
        )
    )
    assert set(per_posting.values()) == {2}


def test_20_concurrent_requests_with_one_key_make_one_posting(bearer_client, post_transfer):
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)
    start = threading.Barrier(20)

    def attempt(_):
        client = bearer_client(token=token)
        start.wait()
        try:
            return post_transfer(client, source, destination, "7.00", "same-key-for-all")
        finally:
            connection.close()

    with SessionsHeld() as held, ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, statuses
    # Some request came while the first held the key: the requests did overlap.
    assert statuses[409] >= 1, statuses
    # The 409s above are the proof the requests overlapped; the pool saw it too: the test's
    # own session and at least two requests' at once. A colliding claim is one INSERT that
    # fails at once, so a request holds its session only briefly.
    assert held.most > 2, f"at most {held.most} sessions at once"
    created = [body for status, body in results if status == 201]
    assert created, "the first request succeeds or is replayed"
    assert all(body == created[0] for body in created), "replays are the original response"
    assert all(body["code"] == "idempotency_request_in_progress" for status, body in results if status == 409)
    assert Transfer.objects.count() == 1
    assert Posting.objects.filter(kind="transfer").count() == 1
    source.refresh_from_db()
    assert source.balance == 93_00


@pytest.mark.skipif(
    "Redis" not in settings.CACHES["default"]["BACKEND"],
    reason="reads Redis-cached balances; run with REDIS_URL=redis://127.0.0.1:6379/0 make test, as CI does",
)
def test_no_read_after_a_201_shows_the_balance_from_before_it(bearer_client, post_transfer):
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 1_000_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)
    acknowledged: list[tuple[float, int]] = []  # (when the 201 arrived, balance after it)
    reads: list[tuple[float, int]] = []  # (when the read started, balance it showed)
    statuses: list[int] = []
    writing = threading.Event()
    writing.set()

    def writer() -> None:
        client = bearer_client(token=token)
        try:
            for n in range(40):
                status, body = post_transfer(client, source, destination, "1.00", f"w-{n}")
                assert status == 201, body
                acknowledged.append((time.perf_counter(), 1_000_00 - (n + 1) * 100))
        finally:
            writing.clear()
            connection.close()

    def reader() -> None:
        client = bearer_client(token=token)
        try:
            while writing.is_set():
                started = time.perf_counter()
                response = client.get(f"/api/accounts/{source.pk}/balance")
                connection.close()
                statuses.append(response.status_code)
                if response.status_code == 200:
                    reads.append((started, round(float(response.json()["balance"]) * 100)))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(acknowledged) == 40
    assert set(statuses) == {200}
    assert len(reads) > 40
    stale = []
    for started, shown in reads:
        seen_before = [after for when, after in acknowledged if when < started]
        if seen_before and shown > seen_before[-1]:
            stale.append((started, shown, seen_before[-1]))
    assert stale == [], f"{len(stale)} reads showed a balance from before an acknowledged transfer"


# Requests held up by a row lock that the test's own connection holds ----------------------


@pytest.fixture
def every_claim_stale(monkeypatch):
    # A retry after the stale window, without waiting two minutes: every claim is "old".
    monkeypatch.setattr(idempotency, "STALE_CLAIM_AFTER", timedelta(0))


@pytest.fixture
def pay(post_transfer, bearer_client):
    """A request, ready to run in a thread, paying ``amount`` with the session ``token``."""

    def request(token, source, destination, key, amount="10.00"):
        return lambda: post_transfer(bearer_client(token=token), source, destination, amount, key)

    return request


def test_a_retry_cannot_take_over_a_key_whose_transfer_waits_for_a_lock(every_claim_stale, pay):
    """The first request waits for the source row past the stale window; its retry must not pay again."""
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.select_for_update().get(pk=source.pk)
        first = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: len(lock_waiters()) == 1)
        retry = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: held_up(retry, 1))
    first.join(30)
    retry.join(30)

    assert first.result[0] == 201, first.result
    assert retry.result == (409, {**retry.result[1], "code": "idempotency_request_in_progress"})
    assert Transfer.objects.count() == 1
    source.refresh_from_db()
    assert source.balance == 90_00
    assert ledger_verify().ok


def test_a_failed_request_cannot_free_the_key_of_the_retry_that_followed_it(every_claim_stale, pay):
    """The first request fails after its retry came: a third try must not pay a second time."""
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.select_for_update().get(pk=source.pk)
        first = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: len(lock_waiters()) == 1)
        [first_pid] = lock_waiters()
        retry = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: held_up(retry, 1))
        with connection.cursor() as cursor:  # the first request's statement dies (a timeout, a kill)
            cursor.execute("SELECT pg_cancel_backend(%s)", [first_pid])
        first.join(30)
        waiting = len(lock_waiters())
        third = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: held_up(third, waiting))
    for request in (retry, third):
        request.join(30)

    answers = [request.result for request in (first, retry, third)]
    paid = {body["id"] for status, body in answers if status == 201}
    assert len(paid) == 1, answers  # one transfer, and a replay of it at most
    assert Transfer.objects.count() == 1
    source.refresh_from_db()
    assert source.balance == 90_00
    assert ledger_verify().ok
    assert first.result == (503, {**first.result[1], "code": "database_timeout"})


def test_a_lock_wait_past_lock_timeout_is_a_503_that_frees_the_key(
    api_transfer, bearer_client, post_transfer
):
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.select_for_update().get(pk=source.pk)
        client = bearer_client(token=token)
        timed_out = Request(lambda: api_transfer(client, source, destination.number, "10.00", key="k"))
        timed_out.join(30)
    response = timed_out.result

    assert response.status_code == 503, response.json()
    assert response.json()["code"] == "database_timeout"
    assert response["Retry-After"] == "1"
    assert not IdempotencyKey.objects.exists(), "the key is free for the retry"
    assert post_transfer(bearer_client(token=token), source, destination, "10.00", "k")[0] == 201


def test_connections_bound_lock_waits_and_statements():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        lock_timeout = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        statement_timeout = cursor.fetchone()[0]
    assert (lock_timeout, statement_timeout) == ("5s", "10s")
    assert timedelta(seconds=10) * 3 < idempotency.STALE_CLAIM_AFTER


def test_a_logout_during_a_transfer_waits_for_it_to_commit(bearer_client, pay):
    """Item: a session ends either before a transfer starts (401) or after it commits."""
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.select_for_update().get(pk=source.pk)
        paying = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: len(lock_waiters()) == 1)

        def log_out():
            response = bearer_client(token=token).post("/api/auth/logout")
            return response.status_code, None

        logout = Request(log_out)
        wait_until(lambda: held_up(logout, 1))
        assert logout.is_alive(), "the logout was answered while a transfer of its session was running"
    paying.join(30)
    logout.join(30)

    assert paying.result[0] == 201, paying.result
    assert logout.result[0] == 204
    assert Transfer.objects.count() == 1
    transferred, logged_out = (
        AuditEvent.objects.get(action=action).pk for action in (actions.TRANSFER_CREATED, actions.LOGGED_OUT)
    )
    assert transferred < logged_out


def test_a_superuser_setting_the_password_during_a_transfer_ends_the_session_after_it_commits(pay):
    """The transfer holds its session's token, then writes rows pointing at its customer, whose
    foreign keys it checks at commit (a key-share lock on the user row). The password set locks
    the user row, then deletes the tokens: behind the transfer. A full FOR UPDATE on the user
    blocked the transfer's commit, and PostgreSQL broke the deadlock by failing one of the two."""
    owner = UserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    def set_password():
        user_password_set(user=owner, actor=superuser, password="another-Horse-staple-7")
        return "set"

    with transaction.atomic():
        # The transfer takes its token, then waits here for its source account.
        Account.objects.select_for_update().get(pk=source.pk)
        paying = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: len(lock_waiters()) == 1)
        setting = Request(set_password)
        wait_until(lambda: held_up(setting, 1))
        assert setting.is_alive(), "the password was set while a transfer of its session was running"
    paying.join(30)
    setting.join(30)

    assert paying.result[0] == 201, paying.result
    assert setting.result == "set", setting.result
    assert not AuthToken.objects.filter(user=owner).exists()
    assert Transfer.objects.count() == 1
    transferred, password_set = (
        AuditEvent.objects.get(action=action).pk
        for action in (actions.TRANSFER_CREATED, actions.PASSWORD_SET_BY_STAFF)
    )
    assert transferred < password_set
    assert ledger_verify().ok


def test_a_transfer_commits_while_staff_deactivate_its_customer(pay):
    """A deactivation locks the user row but not its key: the transfer's foreign-key checks at
    commit do not wait for it (a full FOR UPDATE held them until the lock timed out, a 503)."""
    owner = UserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        user_set_active(user=owner, actor=superuser, is_active=False, reason="closed at the branch")
        paying = Request(pay(token, source, destination, "rent"))
        paying.join(30)
        # Begun before the deactivation commits, the transfer is the last of the session.
        assert paying.result[0] == 201, paying.result

    assert Transfer.objects.count() == 1
    assert ledger_verify().ok


def test_a_destination_frozen_while_the_transfer_waits_gets_the_one_answer(pay):
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.filter(pk=destination.pk).update(status=Account.Status.FROZEN)
        paying = Request(pay(token, source, destination, "rent"))
        wait_until(lambda: held_up(paying, 0))
    paying.join(30)

    status, body = paying.result
    assert (status, body["code"]) == (422, "destination_unavailable"), body
    assert destination.number not in body["detail"]
    assert not Transfer.objects.exists()


def test_parallel_probes_of_made_up_accounts_never_pass_the_refused_transfer_limit(
    settings, bearer_client, post_transfer
):
    settings.TRANSFER_FAILURES_PER_CUSTOMER = 3
    source = fund(AccountFactory(), 100_00)
    token, _ = auth_token_issue(user=source.customer)
    start = threading.Barrier(24)

    def probe(n):
        client = bearer_client(token=token)
        start.wait()
        return post_transfer(client, source, Account(number=account_number_generate()), "1.00", f"probe-{n}")

    with SessionsHeld() as held, ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(probe, range(24)))

    # The probes started together (the barrier) and overlapped in the database too: the
    # test's session and at least two probes' at once. Not more: a probe past the limit is
    # refused from Redis before it holds a session, the others in a few round trips.
    assert held.most > 2, f"at most {held.most} sessions at once: the probes did not run together"
    codes = Counter(body["code"] for _, body in results)
    assert codes["destination_unavailable"] <= 3, codes
    assert set(codes) <= {"destination_unavailable", "throttled"}, codes


def test_transfers_in_flight_beyond_the_refused_transfer_limit_are_not_throttled(settings, pay):
    """Only refusals count: a customer may have more transfers running at once than the limit."""
    settings.TRANSFER_FAILURES_PER_CUSTOMER = 3
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.select_for_update().get(pk=source.pk)
        paying = [Request(pay(token, source, destination, f"pay-{n}", amount="1.00")) for n in range(6)]
        # Every transfer is in flight at once: waiting for the source row, or already answered.
        wait_until(lambda: len(lock_waiters()) + sum(not request.is_alive() for request in paying) == 6)
    for request in paying:
        request.join(30)

    assert Counter(request.result[0] for request in paying) == {201: 6}, [r.result for r in paying]
    assert Transfer.objects.count() == 6


def test_a_good_destination_waiting_while_refusals_reach_the_limit_is_answered_throttled(settings, pay):
    """A transfer checked the limit on entry, then refusals used it up while it waited: it
    must not confirm its destination with a 201, or parallel probes would learn past the limit."""
    settings.TRANSFER_FAILURES_PER_CUSTOMER = 3
    owner = UserFactory()
    source, other = (fund(AccountFactory(customer=owner), 100_00) for _ in range(2))
    destination = AccountFactory()
    token, _ = auth_token_issue(user=owner)

    with transaction.atomic():
        Account.objects.select_for_update().get(pk=source.pk)
        paying = Request(pay(token, source, destination, "honest", amount="1.00"))
        wait_until(lambda: held_up(paying, 0))
        assert paying.is_alive(), paying.result
        for n in range(3):
            probe = Request(pay(token, other, Account(number=account_number_generate()), f"probe-{n}"))
            probe.join(30)
            assert probe.result[1]["code"] == "destination_unavailable", probe.result
    paying.join(30)

    status, body = paying.result
    assert (status, body["code"]) == (429, "throttled"), body
    assert not Transfer.objects.exists()
    assert source.balance == Account.objects.get(pk=source.pk).balance
