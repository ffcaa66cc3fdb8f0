"""The audit hash chain: sealing in id order after the margin, verification, tampering found."""

import threading
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit.chain import GENESIS_HASH, canonical_bytes, event_hash
from audit.models import AuditCheckpoint, AuditEvent
from audit.selectors import ChainHead, audit_chain_head, audit_unsealed_overdue, audit_verify
from audit.services import audit_record, audit_seal
from audit.tests.helpers import _old_event

pytestmark = pytest.mark.django_db

POSTGRES = pytest.mark.requires_postgres("the database's triggers and advisory locks are PostgreSQL's")


@pytest.fixture
def disabled_triggers():
    """Lift the table's triggers for this test's transaction, as an owner could (rolled back after)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


def _tamper(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_canonical_bytes_sort_keys_and_fix_the_timestamp_format():
    moment = datetime(2026, 11, 26, 3, 4, 5, 60, tzinfo=UTC)
    base = {name: "" for name in ("actor_label", "action", "object_type", "object_id", "user_agent")}
    base |= {"id": 7, "actor_id": None, "ip_address": None, "request_id": "", "client_request_id": ""}
    base |= {"sequence": 1, "previous_hash": GENESIS_HASH, "occurred_at": moment}
    one = canonical_bytes(base | {"before": {"b": 1, "a": [1, {"y": 2, "x": 1}]}, "after": None})
    other = canonical_bytes(base | {"before": {"a": [1, {"x": 1, "y": 2}], "b": 1}, "after": None})
    assert one == other
    assert b'"occurred_at":"2026-11-26T03:04:05.000060Z"' in one
    assert event_hash(
        base | {"before": None, "after": None, "occurred_at": moment.astimezone()}
    ) == event_hash(base | {"before": None, "after": None})


def test_sealing_chains_old_events_in_id_order_and_verifies(staff_user):
    events = [
        _old_event(actor=staff_user, actor_label=staff_user.email, before={"z": 1, "a": [1.5, "x"]}),
        _old_event(
            action="account.frozen", object_type="accounts.account", object_id="9", ip_address="2001:db8::1"
        ),
        _old_event(after={"reason": "Überweisung ✓"}),
    ]
    run = audit_seal(margin_seconds=60)
    assert run.sealed == 3
    rows = list(AuditEvent.objects.order_by("id").values("id", "sequence", "previous_hash", "hash"))
    assert [row["id"] for row in rows] == [event.pk for event in events]
    assert [row["sequence"] for row in rows] == [1, 2, 3]
    assert rows[0]["previous_hash"] == GENESIS_HASH
    assert rows[1]["previous_hash"] == rows[0]["hash"]
    assert rows[2]["previous_hash"] == rows[1]["hash"]
    assert run.head == audit_chain_head() == ChainHead(3, rows[2]["hash"])
    report = audit_verify()
    assert report.ok
    assert (report.checked, report.head) == (3, run.head)
    assert audit_seal(margin_seconds=60).sealed == 0  # sealed once


def test_sealing_waits_for_the_margin_and_never_passes_a_young_event():
    old = _old_event(minutes=10)
    young = AuditEvent.objects.create(action="auth.login_failed")
    # An older timestamp behind a younger id cannot be sealed before the younger id is.
    behind = _old_event(minutes=10)
    assert audit_seal(margin_seconds=60).sealed == 1
    assert AuditEvent.objects.get(pk=old.pk).sequence == 1
    assert AuditEvent.objects.filter(pk__in=[young.pk, behind.pk], sequence__isnull=True).count() == 2
    assert audit_unsealed_overdue(margin_seconds=60) == 1
    assert audit_seal(margin_seconds=0).sealed == 2
    assert list(AuditEvent.objects.order_by("sequence").values_list("id", flat=True)) == [
        old.pk,
        young.pk,
        behind.pk,
    ]
    assert audit_verify().ok


def test_sealing_takes_batches(staff_user):
    for _ in range(7):
        _old_event()
    run = audit_seal(margin_seconds=60, batch_size=3)
    assert (run.sealed, run.head.sequence) == (7, 7)
    assert audit_verify(chunk=2).checked == 7


def test_verify_audit_names_an_edited_sealed_event(disabled_triggers, capsys):
    events = [_old_event(after={"amount": 100 * n}) for n in range(1, 5)]
    audit_seal(margin_seconds=60)
    _tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"amount": 1}', events[2].pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    output = capsys.readouterr().out
    assert f"BROKEN LINK at sequence 3 (event {events[2].pk}): its contents do not give its hash" in output


def test_verify_finds_a_rehashed_edit_at_the_next_link(disabled_triggers):
    events = [_old_event() for _ in range(3)]
    audit_seal(margin_seconds=60)
    forged = AuditEvent.objects.filter(pk=events[1].pk).values().get()
    forged["action"] = "auth.login_succeeded"
    _tamper(
        "UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
        [forged["action"], event_hash(forged), events[1].pk],
    )
    report = audit_verify()
    assert (report.first_break.sequence, report.first_break.event_id) == (3, events[2].pk)
    assert "previous hash" in report.first_break.reason


def test_verify_finds_a_deleted_event(disabled_triggers):
    events = [_old_event() for _ in range(3)]
    audit_seal(margin_seconds=60)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = audit_verify()
    assert report.first_break.sequence == 2
    assert "missing" in report.first_break.reason


def test_verify_audit_starts_from_a_checkpoint_and_records_one(capsys):
    for _ in range(4):
        _old_event()
    audit_seal(margin_seconds=60)
    call_command("verify_audit")
    head = audit_chain_head()
    assert f"Chain head (publish it outside the database): {head}" in capsys.readouterr().out
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.sequence, checkpoint.hash, checkpoint.events_checked) == (4, head.hash, 4)
    for _ in range(2):
        _old_event()
    audit_seal(margin_seconds=60)
    call_command("verify_audit", checkpoint=str(head))
    assert "Checked 2 sealed audit events from sequence 5" in capsys.readouterr().out
    assert AuditCheckpoint.objects.order_by("-id").first().sequence == 6
    _old_event()
    audit_seal(margin_seconds=60)
    call_command("verify_audit", from_last_checkpoint=True)
    assert "Checked 1 sealed audit events from sequence 7" in capsys.readouterr().out
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", checkpoint=f"4:{'a' * 64}")
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("verify_audit", checkpoint="4:nothex")


def test_verify_audit_reports_events_left_unsealed(capsys):
    _old_event(minutes=60)
    call_command("verify_audit")
    output = capsys.readouterr().out
    assert "1 audit events older than the seal margin are not sealed" in output
    assert "No sealed audit events yet." in output


def test_audit_seal_command_seals_and_prints_the_head(capsys):
    _old_event(minutes=60)
    call_command("audit_seal")
    head = audit_chain_head()
    assert f"Sealed 1 audit events. Chain head: sequence 1, hash {head.hash}" in capsys.readouterr().out
    young = AuditEvent.objects.create(action="auth.login_failed")
    call_command("audit_seal")
    assert AuditEvent.objects.get(pk=young.pk).sequence is None
    call_command("audit_seal", margin_seconds=0)
    assert AuditEvent.objects.get(pk=young.pk).sequence == 2
    with pytest.raises(CommandError):
        call_command("audit_seal", batch_size=0)
    with pytest.raises(CommandError):
        call_command("audit_seal", margin_seconds=-1)


@POSTGRES
class TestTriggers:
    """PostgreSQL itself refuses every change to audit rows but their one seal."""

    def _refused(self, sql, params=()):
        with pytest.raises(Exception, match="refused") as refusal, transaction.atomic():
            _tamper(sql, params)
        return refusal

    def test_update_delete_and_truncate_are_refused(self):
        event = _old_event()
        self._refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
        self._refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        self._refused("DELETE FROM audit_auditevent WHERE false")
        # Outside the test suite's sessions (which may empty a test_ database), TRUNCATE too.
        _tamper("SET CONSTRAINTS ALL IMMEDIATE")
        self._refused("SET LOCAL bankcore.test_flush = 'off'; TRUNCATE audit_auditevent CASCADE")
        self._refused("DELETE FROM audit_auditcheckpoint")
        self._refused("UPDATE audit_auditcheckpoint SET sequence = 0")
        assert AuditEvent.objects.get(pk=event.pk).action == "auth.login_failed"

    def test_only_the_seal_may_be_written_and_only_once(self):
        event = _old_event()
        self._refused(
            "UPDATE audit_auditevent SET sequence = 1, previous_hash = %s, hash = %s, action = 'x' "
            "WHERE id = %s",
            [GENESIS_HASH, "f" * 64, event.pk],
        )
        audit_seal(margin_seconds=60)
        self._refused("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, event.pk])
        self._refused("UPDATE audit_auditevent SET sequence = NULL WHERE id = %s", [event.pk])
        assert audit_verify().ok


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_seal_each_event_once():
    for _ in range(300):
        _old_event()
    start = threading.Barrier(4)
    runs, errors = [], []

    def seal():
        try:
            start.wait()
            while True:
                run = audit_seal(margin_seconds=60, batch_size=25)
                runs.append(run)
                if not run.busy:
                    return
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=seal) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(run.sealed for run in runs) == 300
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()
    report = audit_verify()
    assert report.ok
    assert report.checked == 300


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_writers_never_wait_for_a_sealer_and_a_second_sealer_steps_aside():
    from audit.services import _chain_lock

    _old_event()
    holding, release = threading.Event(), threading.Event()

    def sealer_mid_batch():
        try:
            with transaction.atomic():
                assert _chain_lock()
                audit_seal(margin_seconds=60)  # seals inside this still-open transaction
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=sealer_mid_batch)
    thread.start()
    try:
        assert holding.wait(10)
        # Any wait for a lock would fail this insert at once: the money path takes none of the sealer's.
        with transaction.atomic():
            _tamper("SET LOCAL lock_timeout = '50ms'")
            audit_record(action="transfer.created", object_type="transfers.transfer", object_id="1")
        assert audit_seal(margin_seconds=0).busy
    finally:
        release.set()
        thread.join()
    assert audit_seal(margin_seconds=0).sealed == 1
    assert audit_verify().checked == 2


@pytest.mark.parametrize("sequence", ["\u0668", "\uff18", "\u00b2", "8.0", "-8", ""])
def test_a_checkpoint_sequence_is_ascii_digits(sequence):
    with pytest.raises(ValueError, match="SEQUENCE:HASH"):
        ChainHead.parse(f"{sequence}:{'a' * 64}")
    assert ChainHead.parse(f" 8 :{'A' * 64}") == ChainHead(8, "a" * 64)
