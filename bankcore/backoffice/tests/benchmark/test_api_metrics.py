"""What a scrape of the business gauges costs in SQL."""

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from bankcore.backoffice.seeding.kyc import kyc_seed_submitted
from bankcore.tests.helpers import scrape, value

pytestmark = pytest.mark.django_db


def test_a_scrape_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, funded_account, kyc_storage
):
    funded_account(balance=10_00)
    kyc_seed_submitted(customers=[UserFactory()])
    call_command("verify_ledger")
    scrape(client)  # the process has read the database's identity for the cache's keys
    # One each for the KYC reviews waiting, the wires held for review, the audit events left
    # unsealed (the seal margin is a system setting, cached), the newest ledger verification and
    # the background work's schedules, and the webhook deliveries pending or failed.
    with django_assert_num_queries(6):
        samples = scrape(client)
    assert value(samples, "bankcore_kyc_reviews_pending") == 1
    assert value(samples, "bankcore_audit_unsealed_rows") == 0
