"""The event counters of /metrics after real requests: money moved and logins. The gauges
read at scrape time are tested beside them (bankcore/backoffice/tests/api/test_metrics.py,
transfers/tests/api/test_wire_metrics.py)."""

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, fund
from bankcore.tests.helpers import scrape, value

pytestmark = pytest.mark.django_db


def delta(before: dict, after: dict, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_transfers_and_deposits_are_counted_with_their_amounts_per_currency(
    client, funded_account, bearer_client, api_transfer, django_capture_on_commit_callbacks
):
    before = scrape(client)
    # The test's transaction never commits: its commit callbacks, which count, run here.
    with django_capture_on_commit_callbacks(execute=True):
        source, destination = funded_account(balance=100_00), funded_account()
        fund(funded_account(currency="EUR"), 7_50)
        api = bearer_client(source.customer)
        assert api_transfer(api, source, destination.number, "12.34", key="metrics-1").status_code == 201
        assert api_transfer(api, source, destination.number, "0.66", key="metrics-2").status_code == 201
        replay = api_transfer(api, source, destination.number, "0.66", key="metrics-2")
        assert replay.status_code == 201
        refused = api_transfer(api, source, destination.number, "1000.00", key="metrics-3")
        assert refused.status_code == 422
    after = scrape(client)

    assert delta(before, after, "bankcore_transfers_total", currency="USD") == 2
    assert delta(before, after, "bankcore_transfer_amount_minor_units_total", currency="USD") == 13_00
    assert delta(before, after, "bankcore_deposits_total", currency="USD") == 1
    assert delta(before, after, "bankcore_deposit_amount_minor_units_total", currency="USD") == 100_00
    assert delta(before, after, "bankcore_deposits_total", currency="EUR") == 1
    assert delta(before, after, "bankcore_deposit_amount_minor_units_total", currency="EUR") == 7_50


def test_logins_are_counted_as_succeeded_failed_or_throttled(client, api_client, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = 2
    user = UserFactory()
    before = scrape(client)

    def login(password):
        return api_client.post("/api/auth/login", {"email": user.email, "password": password}, format="json")

    assert login(DEFAULT_PASSWORD).status_code == 200
    assert login("wrong-password-1").json()["code"] == "invalid_credentials"
    assert login("wrong-password-2").json()["code"] == "invalid_credentials"
    assert login("wrong-password-3").status_code == 429
    assert login(DEFAULT_PASSWORD).status_code == 429
    after = scrape(client)

    assert delta(before, after, "bankcore_logins_total", outcome="succeeded") == 1
    assert delta(before, after, "bankcore_logins_total", outcome="failed") == 2
    assert delta(before, after, "bankcore_logins_total", outcome="throttled") == 2
