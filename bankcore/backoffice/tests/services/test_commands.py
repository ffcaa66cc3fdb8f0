"""The composition layer's management commands: purge_profiles (silk's recorded requests,
deleted by a named engineer, audited); renew_database_identity is tested with the
operations (test_operations.py), seed_demo and seed_load with the seeding (test_seeding.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _recorded(path: str, hours_ago: float) -> None:
    from silk.models import Request, SQLQuery

    recorded = Request.objects.create(path=path, method="GET")
    Request.objects.filter(pk=recorded.pk).update(start_time=timezone.now() - timedelta(hours=hours_ago))
    SQLQuery.objects.create(request=recorded, query="SELECT 1")


def _recorded_paths() -> list[str]:
    from silk.models import Request

    return sorted(Request.objects.values_list("path", flat=True))


@pytest.fixture
def engineer(db):
    user = UserFactory(is_staff=True, email="ops@example.test")
    user.user_permissions.add(Permission.objects.get(codename="purge_profiling"))
    return user


def test_purge_profiles_deletes_requests_older_than_the_given_hours_audited(capsys, engineer):
    from silk.models import SQLQuery

    _recorded("/old", hours_ago=30)
    _recorded("/older", hours_ago=40)
    _recorded("/recent", hours_ago=2)
    call_command("purge_profiles", "--older-than-hours", "24", "--actor", "OPS@example.test")
    assert _recorded_paths() == ["/recent"]
    assert list(SQLQuery.objects.values_list("request__path", flat=True)) == ["/recent"]
    assert "Deleted 2 recorded request(s)." in capsys.readouterr().out
    event = AuditEvent.objects.get(action=actions.PROFILES_PURGED)
    assert (event.actor, event.actor_label) == (engineer, "ops@example.test")
    assert event.after == {"older_than_hours": 24, "deleted": 2}


def test_purge_profiles_all_deletes_every_request_audited(engineer):
    _recorded("/old", hours_ago=30)
    _recorded("/recent", hours_ago=0)
    call_command("purge_profiles", "--all", "--actor", engineer.email)
    assert _recorded_paths() == []
    event = AuditEvent.objects.get(action=actions.PROFILES_PURGED)
    assert event.after == {"older_than_hours": None, "deleted": 2}


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--all"],
        ["--all", "--older-than-hours", "1", "--actor", "ops@example.test"],
        ["--older-than-hours", "-1", "--actor", "ops@example.test"],
    ],
)
def test_purge_profiles_needs_one_clear_choice_and_its_operator(arguments, engineer):
    with pytest.raises(CommandError):
        call_command("purge_profiles", *arguments)


def _operator(kind: str, engineer) -> str:
    if kind == "unknown email":
        return "nobody@example.test"
    if kind == "customer":
        return UserFactory().email
    if kind == "staff without the permission":
        return UserFactory(is_staff=True).email
    engineer.is_active = False
    engineer.save(update_fields=["is_active"])
    return engineer.email


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [
        ("unknown email", "No active member of staff"),
        ("customer", "No active member of staff"),
        ("deactivated engineer", "No active member of staff"),
        ("staff without the permission", "accounts.purge_profiling"),
    ],
)
def test_purge_profiles_refuses_anyone_but_active_staff_with_the_permission(kind, refusal, engineer):
    _recorded("/old", hours_ago=30)
    with pytest.raises(CommandError, match=refusal):
        call_command("purge_profiles", "--all", "--actor", _operator(kind, engineer))
    assert _recorded_paths() == ["/old"]
    assert not AuditEvent.objects.filter(action=actions.PROFILES_PURGED).exists()
