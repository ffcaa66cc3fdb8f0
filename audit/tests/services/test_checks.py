"""audit.W001: a chain whose head was not verified (and so not published) for over a week."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.checks import audit_head_published
from audit.models import AuditCheckpoint
from audit.selectors import audit_chain_head
from audit.services import audit_checkpoint_record, audit_seal

pytestmark = pytest.mark.django_db


def test_a_sealed_chain_never_verified_is_named_and_a_fresh_checkpoint_quiets_it(funded_account):
    assert audit_head_published(None) == []  # nothing sealed: nothing to publish
    funded_account(balance=10_00)
    audit_seal(margin_seconds=0)
    (warning,) = audit_head_published(None)
    assert (warning.id, "verified ever" in warning.msg) == ("audit.W001", True)
    audit_checkpoint_record(head=audit_chain_head(), events_checked=1)
    assert audit_head_published(None) == []


def test_a_checkpoint_older_than_eight_days_is_named(funded_account):
    funded_account(balance=10_00)
    audit_seal(margin_seconds=0)
    AuditCheckpoint.objects.create(
        sequence=1, hash="0" * 64, events_checked=1, verified_at=timezone.now() - timedelta(days=9)
    )
    (warning,) = audit_head_published(None)
    assert "since" in warning.msg
