"""bankcore's mixed customer scenario, staged to 300 users.

    LOADTEST_CUSTOMERS_FILE=var/loadtest/customers.json LOADTEST_PROFILE=quick \\
        locust -f loadtest/locustfile.py --host http://127.0.0.1:8000 --headless

``make loadtest`` runs it end to end (loadtest/run.py). Each simulated customer is a
different one of the customers ``manage.py seed_load`` wrote to LOADTEST_CUSTOMERS_FILE
(KYC-approved, with history), signs in once, and then, waiting 0.5-1.5 s between requests
(a person reading a screen), picks a task by weight:

    weight  task
       8    GET  /api/accounts/{id}/balance             one of its accounts
       4    GET  /api/accounts                          the account list
       2    GET  /api/accounts/{id}                     one account's details
       4    GET  /api/transactions                      history, first page
       2    GET  /api/transactions?cursor={next}        ... and the page after it
       2    GET  /api/transactions?type={type}          history filtered by entry type
       1    GET  /api/accounts/{id}/transactions        one account's history
       2    POST /api/transfers                         0.01-0.99 to its own other account
       1    POST /api/transfers                         0.01-0.99 to another customer's account
       2    GET  /api/kyc/status
       2    GET  /api/auth/me                           the profile
       1    GET  /health
       2    POST /api/wire-transfers [released]         10.00-500.00: 201, sent at once
       1    POST /api/wire-transfers [held for review]  at or above the review threshold, after reading
                                                    the balance (only when it covers the wire): 201,
                                                    pending_review
       1    GET  /api/wire-transfers/stats
       1    GET  /api/wire-transfers/limits?account={id}

Transfers go only to seeded accounts of the same currency (a refused destination counts
against the customer's failure limit). Wires respect the per-account daily count: each
account sends at most WIRES_PER_ACCOUNT of them in one process, then the task reads the
stats instead (LOADTEST_CUSTOMER_OFFSET, when set, is the first customer a process signs
in: make capacity starts each step after the customers of the earlier ones, and stops
before a step would reuse one). Every answer is checked (status, and the wire's state); any
other answer is a failure, and the gates allow none.

The stages come from loadtest/profiles.py: LOADTEST_PROFILE (quick, full, extended), or
LOADTEST_USERS and LOADTEST_STEP_SECONDS for one steady step (make capacity). With
LOADTEST_OUTPUT_DIR set, the server's own timings (its Server-Timing header) per endpoint
are written there as server_timing.json when the run ends.
"""

import itertools
import json
import os
import random
import threading
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, LoadTestShape, between, events, task
from locust.exception import StopUser

from loadtest import profiles
from loadtest.scenario import wire_body
from loadtest.servertiming import ServerTimings

CUSTOMERS_FILE = os.environ.get("LOADTEST_CUSTOMERS_FILE")
OUTPUT_DIR = os.environ.get("LOADTEST_OUTPUT_DIR")
HISTORY_TYPES = ("deposit", "transfer_in", "transfer_out")
# wires.review_threshold's default for USD (bankcore/config.py), in whole units.
REVIEW_THRESHOLD = 10_000
# Below wires.limit_daily_count (20 a day with basic KYC), leaving room for seeded wires.
WIRES_PER_ACCOUNT = 8
HELD_WIRES_PER_ACCOUNT = 2

if not CUSTOMERS_FILE:
    raise SystemExit("set LOADTEST_CUSTOMERS_FILE to a file written by manage.py seed_load")
_seeded = json.loads(Path(CUSTOMERS_FILE).read_text())
_password = _seeded["password"]
# Where this process starts in the customer list: make capacity runs one locust per step and
# starts each after the customers of the steps before it, so no customer's wires of one step
# add to those of another (the per-account count below lives in one process).
_offset = int(os.environ.get("LOADTEST_CUSTOMER_OFFSET", "0")) % len(_seeded["customers"])
_customers = itertools.cycle(_seeded["customers"][_offset:] + _seeded["customers"][:_offset])
_all_accounts = [account for customer in _seeded["customers"] for account in customer["accounts"]]
_lock = threading.Lock()
_wires_sent: Counter = Counter()
_server_timings = ServerTimings()


@events.request.add_listener
def _record_server_timing(name, request_type, response, exception, **kwargs):
    if exception is None and response is not None:
        _server_timings.add(f"{request_type} {name}", response.headers.get("Server-Timing"))


@events.quitting.add_listener
def _write_server_timing(environment, **kwargs):
    if OUTPUT_DIR:
        Path(OUTPUT_DIR, "server_timing.json").write_text(json.dumps(_server_timings.summary(), indent=1))


def _expect(response, expected_status: int, **fields) -> None:
    """Mark the response failed unless it has ``expected_status`` and the given JSON fields."""
    if response.status_code != expected_status:
        response.failure(f"{response.status_code}: {response.text[:200]}")
        return
    body = response.json()
    for key, value in fields.items():
        if body.get(key) != value:
            response.failure(f"{key} is {body.get(key)!r}, expected {value!r}")
            return
    response.success()


class Customer(FastHttpUser):
    wait_time = between(0.5, 1.5)
    # WireCustomer runs: it has every task of this one, and the wires.
    abstract = True

    def on_start(self) -> None:
        with _lock:
            customer = next(_customers)
        self.accounts = customer["accounts"]
        own = {account["id"] for account in self.accounts}
        self.others = [a for a in _all_accounts if a["id"] not in own]
        with self.client.post(
            "/api/auth/login",
            json={"email": customer["email"], "password": _password},
            name="/api/auth/login",
            catch_response=True,
        ) as response:
            _expect(response, 200)
            if response.status_code != 200:
                raise StopUser()
            self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def _get(self, path: str, name: str | None = None) -> None:
        with self.client.get(path, headers=self.headers, name=name or path, catch_response=True) as response:
            _expect(response, 200)

    @task(8)
    def balance(self) -> None:
        account = random.choice(self.accounts)
        self._get(f"/api/accounts/{account['id']}/balance", "/api/accounts/{id}/balance")

    @task(4)
    def account_list(self) -> None:
        self._get("/api/accounts")

    @task(2)
    def account_details(self) -> None:
        account = random.choice(self.accounts)
        self._get(f"/api/accounts/{account['id']}", "/api/accounts/{id}")

    @task(4)
    def history_first_page(self) -> None:
        self._get("/api/transactions")

    @task(2)
    def history_next_page(self) -> None:
        with self.client.get(
            "/api/transactions", headers=self.headers, name="/api/transactions", catch_response=True
        ) as response:
            _expect(response, 200)
            following = response.json().get("next") if response.status_code == 200 else None
        if following:
            next_page = urlsplit(following)
            self._get(f"{next_page.path}?{next_page.query}", "/api/transactions?cursor={next}")

    @task(2)
    def history_filtered(self) -> None:
        self._get(f"/api/transactions?type={random.choice(HISTORY_TYPES)}", "/api/transactions?type={type}")

    @task(1)
    def account_history(self) -> None:
        account = random.choice(self.accounts)
        self._get(f"/api/accounts/{account['id']}/transactions", "/api/accounts/{id}/transactions")

    def _transfer(self, source: dict, destination: dict) -> None:
        with self.client.post(
            "/api/transfers",
            json={
                "source_account": source["id"],
                "destination_account_number": destination["account_number"],
                "amount": f"0.{random.randint(1, 99):02d}",
                "currency": source["currency"],
                "description": "load test",
            },
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
            name="/api/transfers",
            catch_response=True,
        ) as response:
            _expect(response, 201)

    @task(2)
    def transfer_between_own_accounts(self) -> None:
        if len(self.accounts) < 2:
            self.transfer_to_another_customer()
            return
        source, destination = random.sample(self.accounts, 2)
        self._transfer(source, destination)

    @task(1)
    def transfer_to_another_customer(self) -> None:
        source = random.choice(self.accounts)
        candidates = random.sample(self.others, min(20, len(self.others)))
        same_currency = [a for a in candidates if a["currency"] == source["currency"]]
        if same_currency:
            self._transfer(source, same_currency[0])

    @task(2)
    def kyc_status(self) -> None:
        self._get("/api/kyc/status")

    @task(2)
    def profile(self) -> None:
        self._get("/api/auth/me")

    @task(1)
    def health(self) -> None:
        with self.client.get("/health", name="/health", catch_response=True) as response:
            _expect(response, 200)


class WireCustomer(Customer):
    """The scenario above plus wires, stats and limits."""

    def _wire(self, *, held: bool) -> None:
        account = random.choice(self.accounts)
        with _lock:
            sent = _wires_sent[account["id"], held]
            allowed = HELD_WIRES_PER_ACCOUNT if held else WIRES_PER_ACCOUNT - HELD_WIRES_PER_ACCOUNT
            if sent >= allowed:
                account = None
            else:
                _wires_sent[account["id"], held] += 1
        if account is None:  # this account's share of today's wires is used up
            self.wire_stats()
            return
        whole = random.randint(REVIEW_THRESHOLD, REVIEW_THRESHOLD + 500) if held else random.randint(10, 500)
        if held and self._available(account) < whole + 1:
            # A large wire is sent by someone who has just looked at the balance: the seeded
            # history leaves some accounts with less than the review threshold.
            with _lock:
                _wires_sent[account["id"], held] -= 1
            return
        with self.client.post(
            "/api/wire-transfers",
            json=wire_body(account, whole),
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
            name="/api/wire-transfers [held for review]" if held else "/api/wire-transfers [released]",
            catch_response=True,
        ) as response:
            _expect(response, 201, status="pending_review" if held else "sent")

    def _available(self, account: dict) -> float:
        """The account's available balance, read as the customer reads it (the balance task's
        request); 0 when the answer is not a 200."""
        with self.client.get(
            f"/api/accounts/{account['id']}/balance",
            headers=self.headers,
            name="/api/accounts/{id}/balance",
            catch_response=True,
        ) as response:
            _expect(response, 200)
            return float(response.json()["available_balance"]) if response.status_code == 200 else 0.0

    @task(2)
    def wire_released(self) -> None:
        self._wire(held=False)

    @task(1)
    def wire_held_for_review(self) -> None:
        self._wire(held=True)

    @task(1)
    def wire_stats(self) -> None:
        self._get("/api/wire-transfers/stats")

    @task(1)
    def wire_limits(self) -> None:
        account = random.choice(self.accounts)
        self._get(f"/api/wire-transfers/limits?account={account['id']}", "/api/wire-transfers/limits")


def _plan() -> list[profiles.Stage]:
    if os.environ.get("LOADTEST_USERS"):
        return profiles.steady_stages(
            int(os.environ["LOADTEST_USERS"]), float(os.environ.get("LOADTEST_STEP_SECONDS", "60"))
        )
    return profiles.profile_stages(os.environ.get("LOADTEST_PROFILE", "quick"))


class StagedShape(LoadTestShape):
    """20 -> 50 -> 100 -> 300 users over the profile's length (loadtest/profiles.py)."""

    plan = _plan()

    def tick(self):
        return profiles.stage_at(self.plan, self.get_run_time())
