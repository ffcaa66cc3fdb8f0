"""The cross-app business gauges of /metrics after real work: KYC reviews waiting, audit
events left unsealed, the newest ledger verification; and what a scrape costs in SQL."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import UserFactory
from bankcore.backoffice.seeding.kyc import kyc_seed_submitted
from bankcore.tests.helpers import scrape, value
from kyc.models import KycProfile

pytestmark = pytest.mark.django_db


def delta(before: dict, after: dict, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_kyc_reviews_pending_and_the_age_of_the_oldest(client, kyc_storage):
    samples = scrape(client)
    assert value(samples, "bankcore_kyc_reviews_pending") == 0
    assert value(samples, "bankcore_kyc_review_oldest_pending_seconds") == 0

    oldest, _newest = kyc_seed_submitted(customers=[UserFactory(), UserFactory()])
    # Arranged as if the first had waited three hours.
    KycProfile.objects.filter(pk=oldest).update(submitted_at=timezone.now() - timedelta(hours=3))
    samples = scrape(client)
    assert value(samples, "bankcore_kyc_reviews_pending") == 2
    assert 3 * 3600 <= value(samples, "bankcore_kyc_review_oldest_pending_seconds") < 3 * 3600 + 60


def test_the_newest_ledger_verification_is_exported(client, funded_account, transfer):
    samples = scrape(client)
    assert ("bankcore_ledger_verification_ok", frozenset()) not in samples, "never verified: no sample"

    a, b = funded_account(balance=10_00), funded_account()
    transfer(a, b, 3_00)
    started = timezone.now().timestamp()
    call_command("verify_ledger")
    samples = scrape(client)
    assert value(samples, "bankcore_ledger_verification_ok") == 1
    assert started - 1 <= value(samples, "bankcore_ledger_verification_timestamp_seconds") <= started + 60


def test_a_failed_ledger_verification_shows_as_zero(client, funded_account):
    account = funded_account(balance=10_00)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Account._meta.db_table} SET balance = balance + 1 WHERE id = %s",  # noqa: S608 - our own table name
            [account.pk],
        )
    with pytest.raises(CommandError, match="breaks its invariants"):
        call_command("verify_ledger")
    assert value(scrape(client), "bankcore_ledger_verification_ok") == 0


def test_audit_events_left_unsealed_past_the_margin_are_exported(client):
    from audit.models import AuditEvent
    from audit.services import audit_seal
    from bankcore.backoffice.operations import config_set

    admin = UserFactory(is_staff=True, is_superuser=True)
    assert value(scrape(client), "bankcore_audit_unsealed_rows") == 0
    config_set(name="audit.seal_margin_seconds", value=0, actor=admin)
    overdue = AuditEvent.objects.count()
    assert overdue >= 1  # the setting change itself
    assert value(scrape(client), "bankcore_audit_unsealed_rows") == overdue
    audit_seal()
    assert value(scrape(client), "bankcore_audit_unsealed_rows") == 0
