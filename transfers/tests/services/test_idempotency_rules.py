"""Idempotency keys at their edges: the key's shape, the fingerprint, the claim's windows.

Each test pins a line of transfers/idempotency.py that could be wrong without the API tests
noticing (make mutate finds such lines). The clock is fixed where a window's edge is tested.
"""

import dataclasses
import hashlib
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from transfers import idempotency
from transfers.errors import IdempotencyKeyInProgress, IdempotencyKeyInvalid, IdempotencyKeyReused
from transfers.idempotency import (
    IdempotencyClaim,
    Replay,
    idempotency_claim,
    idempotency_key_from,
    idempotency_keys_purge,
    request_fingerprint,
)
from transfers.models import IdempotencyKey

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=500_000)
TICK = timedelta(microseconds=1)
# The module's promise: a claim is stale after 120 seconds, a key forgotten after 24 hours.
STALE_CLAIM_AFTER = timedelta(seconds=120)
KEY_RETENTION = timedelta(hours=24)


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(idempotency, "timezone", SimpleNamespace(now=lambda: NOW))
    return NOW


# ---- the key and the fingerprint ----------------------------------------------------------


@pytest.mark.parametrize("key", ["k", "x" * 255, "order 42/retry-1"])
def test_a_printable_ascii_key_of_up_to_255_characters_is_accepted(key):
    assert idempotency_key_from({"Idempotency-Key": key}) == key


@pytest.mark.parametrize("key", [None, "", "x" * 256, "tab\there", "naïve", "line\n"])
def test_a_missing_long_unprintable_or_non_ascii_key_is_refused(key):
    headers = {} if key is None else {"Idempotency-Key": key}
    with pytest.raises(IdempotencyKeyInvalid) as refused:
        idempotency_key_from(headers)
    assert refused.value.code == "idempotency_key_invalid"


def test_the_fingerprint_is_the_sha256_of_method_path_and_body_in_canonical_json():
    fingerprint = request_fingerprint(method="POST", path="/api/transfers", body={"b": 2, "a": "1.00"})
    expected = hashlib.sha256(b'["POST","/api/transfers",{"a":"1.00","b":2}]').hexdigest()
    assert fingerprint == expected
    assert fingerprint != request_fingerprint(method="POST", path="/api/wires", body={"b": 2, "a": "1.00"})


# ---- claims -------------------------------------------------------------------------------


def claim(customer, key="key-1", fingerprint="f" * 64):
    return idempotency_claim(customer=customer, key=key, fingerprint=fingerprint)


def completed(customer, result, key="key-1", fingerprint="f" * 64):
    first = claim(customer, key, fingerprint)
    with transaction.atomic():
        first.hold()
        first.complete(result=result)
    return first


def test_a_new_key_is_claimed_in_progress(customer):
    first = claim(customer)
    assert isinstance(first, IdempotencyClaim)
    record = IdempotencyKey.objects.get(pk=first.key_id)
    assert (record.status, record.claim_token, record.fingerprint) == ("in_progress", first.token, "f" * 64)


def test_the_same_key_while_in_progress_is_refused_as_in_progress(customer):
    claim(customer)
    with pytest.raises(IdempotencyKeyInProgress):
        claim(customer)


def test_the_same_key_with_another_body_is_refused_as_reused(customer):
    claim(customer)
    with pytest.raises(IdempotencyKeyReused):
        claim(customer, fingerprint="e" * 64)


def test_another_customers_key_is_their_own(customer):
    claim(customer)
    assert isinstance(claim(AccountFactory().customer), IdempotencyClaim)


def test_a_completed_key_replays_its_result(customer):
    account = AccountFactory(customer=customer)
    completed(customer, account)
    replay = claim(customer)
    assert replay == Replay("accounts.account", account.pk)
    assert replay.result(Account.objects.all()) == account
    assert replay.result(Account.objects.exclude(pk=account.pk)) is None
    with pytest.raises(IdempotencyKeyReused):
        replay.result(IdempotencyKey.objects.all())


def test_a_claim_is_stale_only_after_120_seconds(customer, frozen_clock):
    first = claim(customer)
    IdempotencyKey.objects.filter(pk=first.key_id).update(claimed_at=frozen_clock - STALE_CLAIM_AFTER)
    with pytest.raises(IdempotencyKeyInProgress):
        claim(customer)
    IdempotencyKey.objects.filter(pk=first.key_id).update(claimed_at=frozen_clock - STALE_CLAIM_AFTER - TICK)
    created_at = IdempotencyKey.objects.get(pk=first.key_id).created_at
    second = claim(customer)
    assert isinstance(second, IdempotencyClaim)
    assert (second.key_id, second.token != first.token) == (first.key_id, True)
    record = IdempotencyKey.objects.get(pk=first.key_id)
    assert (record.status, record.claim_token, record.claimed_at) == (
        "in_progress",
        second.token,
        frozen_clock,
    )
    assert record.created_at == created_at


def test_a_taken_over_claim_can_neither_hold_nor_complete_nor_release(customer, frozen_clock):
    first = claim(customer)
    IdempotencyKey.objects.filter(pk=first.key_id).update(claimed_at=frozen_clock - timedelta(hours=1))
    second = claim(customer)
    with pytest.raises(IdempotencyKeyInProgress), transaction.atomic():
        first.hold()
    with pytest.raises(IdempotencyKeyInProgress):
        first.complete(result=AccountFactory(customer=customer))
    assert first.release() is False
    assert IdempotencyKey.objects.get(pk=first.key_id).claim_token == second.token


def test_a_stale_claim_with_another_body_is_still_reused(customer, frozen_clock):
    first = claim(customer)
    IdempotencyKey.objects.filter(pk=first.key_id).update(claimed_at=frozen_clock - timedelta(hours=1))
    with pytest.raises(IdempotencyKeyReused):
        claim(customer, fingerprint="e" * 64)


def test_a_key_is_forgotten_only_after_24_hours(customer, frozen_clock):
    account = AccountFactory(customer=customer)
    first = completed(customer, account)
    IdempotencyKey.objects.filter(pk=first.key_id).update(created_at=frozen_clock - KEY_RETENTION)
    assert claim(customer) == Replay("accounts.account", account.pk)
    IdempotencyKey.objects.filter(pk=first.key_id).update(created_at=frozen_clock - KEY_RETENTION - TICK)
    fresh = claim(customer, fingerprint="e" * 64)
    assert isinstance(fresh, IdempotencyClaim)
    record = IdempotencyKey.objects.get(pk=first.key_id)
    assert (record.status, record.fingerprint, record.result_type, record.result_id) == (
        "in_progress",
        "e" * 64,
        "",
        None,
    )
    assert (record.created_at, record.claimed_at, record.claim_token) == (
        frozen_clock,
        frozen_clock,
        fresh.token,
    )


def test_complete_records_the_result_and_release_frees_only_an_unfinished_claim(customer):
    account = AccountFactory(customer=customer)
    first = completed(customer, account)
    record = IdempotencyKey.objects.get(pk=first.key_id)
    assert (record.status, record.result_type, record.result_id) == (
        "completed",
        "accounts.account",
        account.pk,
    )
    assert first.release() is False
    assert IdempotencyKey.objects.filter(pk=first.key_id).exists()
    with pytest.raises(IdempotencyKeyInProgress):
        first.complete(result=account)

    unfinished = claim(customer, key="key-2")
    assert unfinished.release() is True
    assert unfinished.release() is False
    assert not IdempotencyKey.objects.filter(key="key-2").exists()


def test_purge_forgets_keys_older_than_the_retention_and_counts_them(customer, frozen_clock):
    old, edge, young = (claim(customer, key=key) for key in ("old", "edge", "young"))
    IdempotencyKey.objects.filter(pk=old.key_id).update(created_at=frozen_clock - KEY_RETENTION - TICK)
    IdempotencyKey.objects.filter(pk=edge.key_id).update(created_at=frozen_clock - KEY_RETENTION)
    IdempotencyKey.objects.filter(pk=young.key_id).update(created_at=frozen_clock - timedelta(hours=1))
    assert idempotency_keys_purge() == 1
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"edge", "young"}
    assert idempotency_keys_purge(older_than=timedelta(minutes=30)) == 2


def test_a_claim_and_a_replay_cannot_change_once_made(customer):
    first = claim(customer)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.token = uuid.uuid4()
    with pytest.raises(dataclasses.FrozenInstanceError):
        Replay("accounts.account", 1).result_id = 2
