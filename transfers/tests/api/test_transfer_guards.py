"""A transfer re-checks its session, gives one answer for any destination problem, and
limits a customer's refused transfers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from accounts.models import Account, User
from accounts.services.bank_accounts import account_freeze, system_account
from accounts.tests.factories import AccountFactory, fund
from transfers.models import IdempotencyKey, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(customer):
    return fund(AccountFactory(customer=customer), 100_00)


@pytest.fixture
def destination():
    return AccountFactory()


def nothing_moved(source) -> bool:
    return (
        Account.objects.get(pk=source.pk).balance == 100_00
        and not Transfer.objects.exists()
        and not IdempotencyKey.objects.exists()
    )


class TestSessionRecheck:
    """The session is cached for a while; money looks at the token row itself."""

    @pytest.mark.parametrize("ended_by", ["logout", "expiry", "deactivation", "password_change"])
    def test_a_session_ended_behind_the_cache_moves_nothing(
        self, customer_client, customer, source, destination, ended_by, api_transfer
    ):
        digest = hash_token(customer_client.token)
        # Each change bypasses the signals that retire the cached session, like a lost bump.
        if ended_by == "logout":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {AuthToken._meta.db_table} WHERE digest = %s", [digest])  # noqa: S608
        elif ended_by == "expiry":
            AuthToken.objects.filter(digest=digest).update(expiry=timezone.now() - timedelta(seconds=1))
        elif ended_by == "deactivation":
            User.objects.filter(pk=customer.pk).update(is_active=False)
        else:
            User.objects.filter(pk=customer.pk).update(
                password_changed_at=timezone.now() + timedelta(seconds=1)
            )
        assert customer_client.get("/api/auth/me").status_code == 200, "the cached session still works"

        response = api_transfer(customer_client, source, destination.number, "10.00", key="k")

        assert response.status_code == 401, response.json()
        assert response.json()["code"] == "authentication_failed"
        assert response["WWW-Authenticate"] == "Bearer"
        assert nothing_moved(source)


class TestDestinationAnswers:
    def test_every_destination_problem_is_the_same_answer(
        self, customer_client, staff_user, source, api_transfer
    ):
        from accounts.numbers import account_number_generate

        frozen, closed = AccountFactory(), AccountFactory()
        account_freeze(account=frozen, actor=staff_user, reason="compliance hold")
        Account.objects.filter(pk=closed.pk).update(status=Account.Status.CLOSED)
        numbers = [
            account_number_generate(),  # nobody's
            system_account(code="cash", currency="USD").number,  # the bank's own
            AccountFactory(currency="EUR").number,  # another customer's, another currency
            frozen.number,
            closed.number,
        ]
        answers = [api_transfer(customer_client, source, number, "10.00", key=number) for number in numbers]

        assert {response.status_code for response in answers} == {422}
        bodies = [response.json() for response in answers]
        assert all(body == bodies[0] for body in bodies), bodies
        assert bodies[0]["code"] == "destination_unavailable"
        assert not any(number in bodies[0]["detail"] for number in numbers)
        assert nothing_moved(source)

    def test_a_customer_without_the_funds_learns_nothing_about_the_destination(
        self, customer_client, customer, destination, api_transfer
    ):
        from accounts.numbers import account_number_generate

        empty = AccountFactory(customer=customer)
        real = api_transfer(customer_client, empty, destination.number, "1.00", key="a")
        made_up = api_transfer(customer_client, empty, account_number_generate(), "1.00", key="b")
        assert real.json()["code"] == made_up.json()["code"] == "insufficient_funds"
        assert real.json() == made_up.json()


class TestRefusedTransferLimit:
    def test_refusals_past_the_limit_refuse_every_transfer_for_a_while(
        self, customer_client, source, destination, settings, api_transfer
    ):
        from accounts.numbers import account_number_generate

        settings.TRANSFER_FAILURES_PER_CUSTOMER = 3
        for n in range(3):
            probe = api_transfer(customer_client, source, account_number_generate(), "1.00", key=f"probe-{n}")
            assert probe.status_code == 422

        response = api_transfer(customer_client, source, destination.number, "1.00", key="honest")

        assert response.status_code == 429, response.json()
        assert response.json()["code"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= settings.TRANSFER_FAILURE_WINDOW_SECONDS
        assert nothing_moved(source)

    def test_refusals_past_the_limit_are_throttled_while_redis_is_down(
        self, customer_client, source, destination, settings, api_transfer
    ):
        from accounts.numbers import account_number_generate
        from bankcore.tests.helpers import free_port, redis_caches_at

        settings.TRANSFER_FAILURES_PER_CUSTOMER = 3
        with override_settings(CACHES=redis_caches_at(f"redis://127.0.0.1:{free_port()}/0")):
            codes = [
                api_transfer(customer_client, source, account_number_generate(), "1.00", key=f"p{n}").json()[
                    "code"
                ]
                for n in range(4)
            ]
            honest = api_transfer(customer_client, source, destination.number, "1.00", key="honest")
        assert codes == ["destination_unavailable"] * 3 + ["throttled"]
        assert (honest.status_code, honest.json()["code"]) == (429, "throttled")
        assert nothing_moved(source)

    def test_the_limit_is_per_customer(
        self, customer_client, source, destination, settings, api_transfer, bearer_client
    ):
        from accounts.numbers import account_number_generate

        settings.TRANSFER_FAILURES_PER_CUSTOMER = 2
        codes = [
            api_transfer(customer_client, source, account_number_generate(), "1.00", key=f"probe-{n}").json()[
                "code"
            ]
            for n in range(3)
        ]
        assert codes == ["destination_unavailable"] * 2 + ["throttled"], "the first customer is throttled"
        other = fund(AccountFactory(), 10_00)
        assert (
            api_transfer(
                bearer_client(other.customer), other, destination.number, "1.00", key="k"
            ).status_code
            == 201
        )

    def test_refusals_about_the_customers_own_account_do_not_count(
        self, customer_client, source, destination, settings, api_transfer
    ):
        settings.TRANSFER_FAILURES_PER_CUSTOMER = 2
        for n in range(4):
            overdraft = api_transfer(customer_client, source, destination.number, "999999.00", key=f"o{n}")
            assert overdraft.json()["code"] == "insufficient_funds"
        assert api_transfer(customer_client, source, destination.number, "1.00", key="k").status_code == 201

    def test_successful_transfers_do_not_count(
        self, customer_client, source, destination, settings, api_transfer
    ):
        settings.TRANSFER_FAILURES_PER_CUSTOMER = 2
        for n in range(4):
            assert (
                api_transfer(customer_client, source, destination.number, "1.00", key=f"k{n}").status_code
                == 201
            )
