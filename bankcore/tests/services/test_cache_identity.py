"""The cache key space carries the identity of the database it describes.

A database dropped, recreated and seeded again (a restore, a reset, two environments on one
Redis) must never read the values another database left in the cache.
"""

import pytest
from django.db import connection

from accounts.models import Account
from accounts.numbers import account_number_generate
from bankcore import cache as kernel
from bankcore.models import DatabaseIdentity
from bankcore.tests.helpers import run_without_database


def delete_identities() -> None:
    """As a restore or a careless hand would: identities are insert-only for the application."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bankcore_databaseidentity")


def listed_numbers(client) -> list[str]:
    response = client.get("/api/accounts")
    assert response.status_code == 200, response.content
    return [account["number"] for account in response.json()["results"]]


@pytest.mark.django_db(transaction=True)
def test_a_database_swapped_under_a_warm_cache_never_reads_the_old_ones_values(
    customer, customer_client, funded_account, bearer_client, api_transfer
):
    account = funded_account(customer=customer)
    old_number = account.number
    assert listed_numbers(customer_client) == [old_number]
    assert customer_client.get(f"/api/accounts/{account.pk}").json()["number"] == old_number

    # Another database takes this one's place, with the same ids for other data, as after
    # a restore: its rows change under the cache without any write bumping a generation.
    new_number = account_number_generate()
    Account.objects.filter(pk=account.pk).update(number=new_number)
    delete_identities()
    DatabaseIdentity.objects.create(value="0123456789abcdef")
    assert listed_numbers(customer_client) == [old_number], "the cache is warm: a process keeps its id"

    kernel.database_identity_forget()  # as a process started after the restore
    assert listed_numbers(customer_client) == [new_number]
    assert customer_client.get(f"/api/accounts/{account.pk}").json()["number"] == new_number
    assert customer_client.get(f"/api/accounts/{account.pk}/balance").status_code == 200
    sender = funded_account(balance=10_00)
    response = api_transfer(bearer_client(sender.customer), sender, new_number, "1.00", key="after-restore")
    assert response.status_code == 201, response.json()


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_a_new_identity():
    from django.core.management import call_command

    before = kernel.database_identity()
    call_command("flush", "--noinput")
    after = DatabaseIdentity.objects.get().value
    assert after != before
    assert kernel.database_identity() == after


@pytest.mark.django_db(transaction=True)
def test_a_database_without_an_identity_is_a_503_never_a_guessed_key_space(customer_client):
    delete_identities()
    kernel.database_identity_forget()
    response = customer_client.get("/api/accounts")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    DatabaseIdentity.objects.create(value="fedcba9876543210")
    assert customer_client.get("/api/accounts").status_code == 200


def test_a_process_that_cannot_read_the_identity_answers_503_not_500():
    """A real process whose DATABASE_URL points where no PostgreSQL listens: the request
    that would first use the cache (the session lookup, after the prefetch) gets a 503."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/api/accounts/1/balance', HTTP_AUTHORIZATION='Bearer ' + 'a' * 64);"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    outcome = run_without_database(script)
    assert outcome["status"] == 503
    assert outcome["body"]["code"] == "service_unavailable"
    assert outcome["body"]["code"] == "service_unavailable"
