"""The background work's schedules in the back office: the engineering role changes a
periodic task through the admin, and the change is an audit event with before and after."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.tests.factories import DEFAULT_PASSWORD
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.operations import schedule_delete
from bankcore.backoffice.tests.helpers import _member

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
