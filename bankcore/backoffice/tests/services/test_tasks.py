"""Background work (bankcore.celery): every task is scheduled by default, and each does its
service's work, safely twice. Here tasks run where they are asked for (no broker: the
tests' settings); test_worker.py runs them on a real worker over RabbitMQ."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.tasks import ledger_verify_task
from accounts.tests.factories import AccountFactory, UserFactory, fund
from audit import actions
from audit.models import AuditEvent
from audit.tasks import audit_seal_task
from bankcore.backoffice.operations import UNSCHEDULED, config_set
from bankcore.celery import app
from kyc.tasks import kyc_expire_task
from transfers.models import IdempotencyKey
from transfers.tasks import idempotency_keys_purge_task

pytestmark = pytest.mark.django_db

SCHEDULED = {
    "audit.seal": ("interval", 60),
    "kyc.expire_documents": ("crontab", "1:00"),
    "transfers.purge_idempotency_keys": ("crontab", "2:00"),
    "accounts.verify_ledger": ("crontab", "3:00"),
    "webhooks.relay": ("interval", 5),
    "kyc.refresh_sanctions": ("crontab", "4:00"),
}


def test_every_task_has_its_default_schedule_staff_can_change():
    app.loader.import_default_modules()
    tasks = {name for name in app.tasks if not name.startswith("celery.")}
    assert tasks - UNSCHEDULED == set(SCHEDULED)
    for task, (kind, when) in SCHEDULED.items():
        periodic = PeriodicTask.objects.get(task=task)
        assert periodic.enabled, task
        if kind == "interval":
            assert (periodic.interval.every, periodic.interval.period) == (when, "seconds")
        else:
            assert f"{periodic.crontab.hour}:{int(periodic.crontab.minute):02d}" == when, task
            assert str(periodic.crontab.timezone) == "UTC"


def test_the_sealer_seals_and_a_second_run_finds_nothing_left():
    config_set(name="audit.seal_margin_seconds", value=0, actor=UserFactory(is_staff=True, is_superuser=True))
    fund(AccountFactory(), 10_00)
    assert audit_seal_task.delay().get() > 0
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()
    assert audit_seal_task.delay().get() == 0


def test_verify_ledger_records_its_outcome_each_run():
    fund(AccountFactory(), 10_00)
    assert ledger_verify_task.delay().get() is True
    assert ledger_verify_task.delay().get() is True
    outcomes = AuditEvent.objects.filter(action=actions.LEDGER_VERIFIED).order_by("id")
    assert [event.after["ok"] for event in outcomes] == [True, True]


def test_the_purge_forgets_only_old_keys_and_is_idempotent(customer):
    old = IdempotencyKey.objects.create(customer=customer, key="old", fingerprint="x" * 64)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    new = IdempotencyKey.objects.create(customer=customer, key="new", fingerprint="x" * 64)
    assert idempotency_keys_purge_task.delay().get() == 1
    assert idempotency_keys_purge_task.delay().get() == 0
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_kyc_expiry_runs_with_nothing_to_expire():
    assert kyc_expire_task.delay().get() == 0


def test_check_deploy_warns_without_a_broker(settings):
    from bankcore.celery import broker_configured

    settings.CELERY_BROKER_URL = None
    assert [w.id for w in broker_configured(None)] == ["bankcore.W001"]
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    assert broker_configured(None) == []


def test_messages_are_json_never_pickle_and_tasks_have_a_time_limit():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit == 30 * 60
    assert all(task.expire_seconds for task in PeriodicTask.objects.all())


def test_each_run_is_counted_by_outcome_and_timed():
    from bankcore.metrics import TASK_RUNS, TASK_SECONDS

    runs = TASK_RUNS.labels("kyc.expire_documents", "succeeded")
    timed = TASK_SECONDS.labels("kyc.expire_documents")
    before_runs, before_timed = runs._value.get(), timed._sum.get()
    kyc_expire_task.delay().get()
    assert runs._value.get() == before_runs + 1
    assert timed._sum.get() > before_timed
