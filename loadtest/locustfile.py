"""Session scenario: a customer logs in once, then reads their profile; probes hit /health.

    locust -f loadtest/locustfile.py --host http://127.0.0.1:8000

LOADTEST_EMAIL and LOADTEST_PASSWORD name the customer (the demo customer by default).
"""

import os

from locust import HttpUser, between, task

EMAIL = os.environ.get("LOADTEST_EMAIL", "customer@bankcore.test")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-customer-Pass-2026")


class Customer(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        response = self.client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {response.json()['token']}"

    @task(5)
    def profile(self) -> None:
        self.client.get("/api/auth/me")

    @task(1)
    def health(self) -> None:
        self.client.get("/health")
