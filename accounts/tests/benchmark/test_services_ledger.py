"""What bulk postings cost in SQL."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import LedgerEntry
from accounts.services.ledger import posting_bulk_create
from accounts.tests.factories import AccountFactory, fund
from accounts.tests.helpers import transfer_draft
from accounts.verification import ledger_verify

pytestmark = pytest.mark.django_db


def test_bulk_postings_apply_in_order_with_running_balances(django_assert_num_queries):
    a, b = fund(AccountFactory(), 100), AccountFactory()
    when = timezone.now() - timedelta(days=3)
    # lock, postings, entries, balances: the same four statements as one posting_create
    with transaction.atomic(), django_assert_num_queries(4):
        postings = posting_bulk_create(
            drafts=[
                transfer_draft(a, b, 60, description="first", created_at=when),
                transfer_draft(b, a, 10),
                transfer_draft(a, b, 50),  # only possible after the refund before it
            ]
        )
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.balance, b.balance) == (0, 100)
    assert [p.pk for p in postings] == sorted(p.pk for p in postings)
    history = LedgerEntry.objects.filter(account=a).exclude(type="deposit").order_by("id")
    assert [(e.amount, e.balance_after) for e in history] == [(-60, 40), (10, 50), (-50, 0)]
    first = postings[0]
    assert first.created_at == when
    assert set(first.entries.values_list("created_at", "description")) == {(when, "first")}
    assert ledger_verify().ok
