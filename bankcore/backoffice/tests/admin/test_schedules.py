"""The background work's schedules in the back office: the engineering role changes a
periodic task through the admin, and the change is an audit event with before and after."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.tests.factories import DEFAULT_PASSWORD
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.operations import schedule_delete, schedule_save
from bankcore.backoffice.tests.helpers import _member
from bankcore.errors import NotPermitted

pytestmark = pytest.mark.django_db


def test_engineering_disables_the_sealer_audited(client):
    member = _member("engineering")
    session = admin_login(member.email, DEFAULT_PASSWORD)
    task = PeriodicTask.objects.get(task="audit.seal")
    page = session.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        name=task.name,
        regtask="audit.seal",
        task="audit.seal",
        interval=task.interval_id,
        args="[]",
        kwargs="{}",
        enabled="",  # unchecked
        description=task.description,
        headers="{}",
    )
    response = admin_post(session, f"/admin/django_celery_beat/periodictask/{task.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    task.refresh_from_db()
    assert task.enabled is False
    event = AuditEvent.objects.get(action=actions.SCHEDULE_CHANGED)
    assert event.actor == member
    assert event.before["enabled"] == "True"
    assert event.after["enabled"] == "False"
    assert event.object_id == str(task.pk)


def test_deleting_a_schedule_is_audited_with_what_it_was(staff_user):
    interval = IntervalSchedule.objects.create(every=5, period="minutes")
    schedule_delete(row=interval, actor=staff_user)
    event = AuditEvent.objects.get(action=actions.SCHEDULE_DELETED)
    assert event.before["every"] == "5"
    assert not IntervalSchedule.objects.filter(every=5, period="minutes").exists()


def test_the_bulk_actions_that_would_change_rows_unaudited_are_not_offered():
    from django.contrib import admin

    task_admin = admin.site._registry[PeriodicTask]
    assert not task_admin.get_actions(type("R", (), {"user": None, "GET": {}})())


def _change_form(session, task) -> dict:
    page = session.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    form = page.context["adminform"].form
    return {name: value for name, value in form.initial.items() if value is not None}


@pytest.mark.parametrize(
    "change",
    [
        {"task": "celery.starmap", "regtask": ""},  # a built-in that runs any task with any arguments
        {"args": '["x"]'},
        {"kwargs": '{"older_than": 0}'},
        {"headers": '{"task": "audit.seal"}'},  # Celery would run the header's task, not the row's
        {"queue": "elsewhere"},
        {"exchange": "amq.topic", "routing_key": "#"},
        {"priority": "9"},
    ],
)
def test_a_schedule_cannot_run_other_work_than_its_name_says(change):
    member = _member("engineering")
    session = admin_login(member.email, DEFAULT_PASSWORD)
    task = PeriodicTask.objects.get(task="accounts.verify_ledger")
    data = {
        **_change_form(session, task),
        "name": task.name,
        "regtask": task.task,
        "task": task.task,
        "crontab": task.crontab_id,
        "args": "[]",
        "kwargs": "{}",
        "headers": "{}",
        "enabled": "on",
        "description": task.description,
        **change,
    }
    response = admin_post(session, f"/admin/django_celery_beat/periodictask/{task.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the refusal
    assert response.context["adminform"].form.non_field_errors()
    assert PeriodicTask.objects.get(pk=task.pk).task == "accounts.verify_ledger"
    assert not AuditEvent.objects.filter(action=actions.SCHEDULE_CHANGED).exists()


def test_a_task_runs_no_more_often_than_its_minimum(staff_user):
    every_minute = PeriodicTask.objects.get(task="audit.seal").interval
    ledger = PeriodicTask.objects.get(task="accounts.verify_ledger")
    ledger.crontab, ledger.interval = None, every_minute
    with pytest.raises(NotPermitted, match="at most every 3600 seconds"):
        schedule_save(row=ledger, actor=staff_user)
    every_minute.every = 1
    with pytest.raises(NotPermitted, match=r"audit\.seal may run at most every 30 seconds"):
        schedule_save(row=every_minute, actor=staff_user)
    assert not AuditEvent.objects.filter(action=actions.SCHEDULE_CHANGED).exists()
