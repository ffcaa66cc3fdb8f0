"""bankcore's customer scenarios.

    locust -f loadtest/locustfile.py --host http://127.0.0.1:8000

With LOADTEST_CUSTOMERS_FILE naming a file written by ``manage.py seed_load``, each simulated
customer is one of those (a different one per user, round robin) and runs the mixed
scenario: balances, the account list, history, the KYC status, and small transfers between their own
accounts with an Idempotency-Key. Without it, every user is the demo customer
(LOADTEST_EMAIL / LOADTEST_PASSWORD) and reads its profile, accounts and history.
"""

import itertools
import json
import os
import random
import threading
import uuid

from locust import HttpUser, between, task

CUSTOMERS_FILE = os.environ.get("LOADTEST_CUSTOMERS_FILE")
EMAIL = os.environ.get("LOADTEST_EMAIL", "customer@bankcore.test")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-customer-Pass-2026")

if CUSTOMERS_FILE:
    with open(CUSTOMERS_FILE) as handle:
        _seeded = json.load(handle)
    _customers = itertools.cycle(_seeded["customers"])
    _password = _seeded["password"]
else:
    _customers = itertools.repeat({"email": EMAIL, "accounts": []})
    _password = PASSWORD
_lock = threading.Lock()


class Customer(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        with _lock:
            customer = next(_customers)
        response = self.client.post(
            "/api/auth/login", json={"email": customer["email"], "password": _password}
        )
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        self.accounts = customer["accounts"] or [
            {"id": account["id"], "account_number": account["number"], "currency": account["currency"]}
            for account in self.client.get("/api/accounts").json()["results"]
        ]

    @task(6)
    def balance(self) -> None:
        account = random.choice(self.accounts)
        self.client.get(f"/api/accounts/{account['id']}/balance", name="/api/accounts/{id}/balance")

    @task(3)
    def accounts_list(self) -> None:
        self.client.get("/api/accounts")

    @task(3)
    def history(self) -> None:
        self.client.get("/api/transactions")

    @task(1)
    def account_history(self) -> None:
        account = random.choice(self.accounts)
        self.client.get(f"/api/accounts/{account['id']}/transactions", name="/api/accounts/{id}/transactions")

    @task(1)
    def profile(self) -> None:
        self.client.get("/api/auth/me")

    @task(2)
    def kyc_status(self) -> None:
        self.client.get("/api/kyc/status")

    @task(2)
    def transfer(self) -> None:
        same_currency = [a for a in self.accounts if a["currency"] == self.accounts[0]["currency"]]
        if len(same_currency) < 2:
            return
        source, destination = random.sample(same_currency, 2)
        with self.client.post(
            "/api/transfers",
            json={
                "source_account": source["id"],
                "destination_account_number": destination["account_number"],
                "amount": "0.01",
                "currency": source["currency"],
                "description": "load test",
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
            catch_response=True,
        ) as response:
            # A refusal for want of funds is a correct answer, not an error.
            if response.status_code == 422 and response.json().get("code") == "insufficient_funds":
                response.success()
