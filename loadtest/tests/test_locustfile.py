"""Every task of the scenario, run against a recording client instead of a server.

A task that raises sends requests nobody judges (locust counts the error apart from the
requests), and a request named differently from its gate is never judged either; both
happened once. Here each task runs, every answer must be judged, and the names requested
must be exactly the gated ones.
"""

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("locust", reason="locust lives in .venv-load; make loadtest-selftest runs this test")

from loadtest import gates

CUSTOMERS = Path(__file__).with_name("customers.json")


@pytest.fixture(scope="module")
def scenario():
    os.environ.setdefault("LOADTEST_CUSTOMERS_FILE", str(CUSTOMERS))
    from loadtest import locustfile

    return locustfile


class Answer:
    def __init__(self, status_code: int, body: dict):
        self.status_code, self.body = status_code, body
        self.text = json.dumps(body)
        self.headers: dict = {}
        self.verdict: str | None = None

    def json(self) -> dict:
        return self.body

    def success(self) -> None:
        self.verdict = "success"

    def failure(self, message: str) -> None:
        self.verdict = message

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


class Bank:
    """Answers as bankcore does for the requests the scenario makes (or with ``status``)."""

    def __init__(self, scenario, status: int | None = None, balance: str = "50000.00"):
        self.scenario, self.status, self.balance = scenario, status, balance
        self.answers: list[tuple[str, Answer]] = []
        self.logins: list[str] = []

    def _answer(self, method: str, path: str, name: str, body: dict | None) -> Answer:
        url = urlsplit(path)
        if method == "POST" and url.path == "/api/auth/login":
            self.logins.append(body["email"])
            status, answer = 200, {"token": "token"}
        elif method == "POST" and url.path == "/api/transfers":
            status, answer = 201, {"status": "completed"}
        elif method == "POST" and url.path == "/api/wire-transfers":
            whole = int(body["amount"].split(".")[0])
            held = whole >= self.scenario.REVIEW_THRESHOLD
            status, answer = 201, {"status": "pending_review" if held else "sent"}
        elif url.path.endswith("/balance"):
            status, answer = 200, {"balance": self.balance, "available_balance": self.balance}
        elif url.path == "/api/transactions" and not parse_qs(url.query):
            following = "http://testserver/api/transactions?cursor=cD0xMjM%3D"
            status, answer = 200, {"next": following, "results": []}
        else:
            status, answer = 200, {}
        response = Answer(self.status or status, answer)
        self.answers.append((f"{method} {name}", response))
        return response

    def get(self, path, *, name, headers=None, catch_response=False):
        assert catch_response, f"GET {name} is not judged"
        return self._answer("GET", path, name, None)

    def post(self, path, *, name, json=None, headers=None, catch_response=False):
        assert catch_response, f"POST {name} is not judged"
        return self._answer("POST", path, name, json)


def run_every_task(scenario, bank: Bank, rounds: int = 6) -> None:
    user = scenario.WireCustomer.__new__(scenario.WireCustomer)
    user.client = bank
    user.on_start()
    for _ in range(rounds):
        for task in dict.fromkeys(scenario.WireCustomer.tasks):
            task(user)


def test_every_task_runs_and_every_answer_is_judged(scenario):
    bank = Bank(scenario)
    run_every_task(scenario, bank)
    assert [(name, answer.verdict) for name, answer in bank.answers if answer.verdict != "success"] == []


def test_the_scenario_requests_exactly_the_gated_endpoints(scenario):
    bank = Bank(scenario)
    run_every_task(scenario, bank)
    assert {name for name, _ in bank.answers} == set(gates.endpoint_gates())


def test_an_unexpected_answer_is_a_failure_with_the_status(scenario):
    bank = Bank(scenario, status=500)
    from locust.exception import StopUser

    with pytest.raises(StopUser):  # a customer who cannot sign in stops
        run_every_task(scenario, bank)
    name, answer = bank.answers[0]
    assert (name, answer.verdict) == ("POST /api/auth/login", '500: {"token": "token"}')


def test_a_large_wire_is_sent_only_when_the_balance_covers_it(scenario):
    scenario._wires_sent.clear()
    poor = Bank(scenario, balance="9999.99")
    user = scenario.WireCustomer.__new__(scenario.WireCustomer)
    user.client = poor
    user.on_start()
    user.wire_held_for_review()
    assert [name for name, _ in poor.answers] == ["POST /api/auth/login", "GET /api/accounts/{id}/balance"]
    rich = Bank(scenario)
    user.client = rich
    user.wire_held_for_review()
    assert [name for name, _ in rich.answers] == [
        "GET /api/accounts/{id}/balance",
        "POST /api/wire-transfers [held for review]",
    ]


def test_a_capacity_step_signs_in_the_customers_after_the_earlier_steps(scenario, monkeypatch):
    """make capacity runs one locust per step with the customers already signed in as the
    offset: a customer's wires of one step never add to another's (the per-account count
    lives in one process, the bank's daily count does not), and the list wraps around."""
    import importlib

    customers = json.loads(CUSTOMERS.read_text())["customers"]
    try:
        for offset, first in ((2, 2), (len(customers) + 1, 1), (0, 0)):
            monkeypatch.setenv("LOADTEST_CUSTOMER_OFFSET", str(offset))
            module = importlib.reload(scenario)
            signed_in = [Bank(module) for _ in range(len(customers))]
            for bank in signed_in:
                run_every_task(module, bank, rounds=0)
            emails = [bank.logins[0] for bank in signed_in]
            expected = [c["email"] for c in customers[first:] + customers[:first]]
            assert emails == expected
    finally:
        monkeypatch.delenv("LOADTEST_CUSTOMER_OFFSET")
        importlib.reload(scenario)
