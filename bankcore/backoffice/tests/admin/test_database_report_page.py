"""The database report page: Engineering's permission only, every opening audited."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/admin/database-report/"


def staff(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_staff_with_the_permission_see_every_section_and_the_opening_is_audited(
    client, assert_num_queries_excluding_savepoints
):
    engineer = staff("view_database_report")
    client.force_login(engineer)
    # Session, user, the session's second-factor device, permissions (user's and groups') and
    # the audit event; on PostgreSQL
    # the report's nine statistics queries besides (the test database has no
    # pg_stat_statements, whose two would follow), on SQLite none.
    expected = 6 + 9 if connection.vendor == "postgresql" else 6
    with assert_num_queries_excluding_savepoints(expected):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for title in ("Table sizes", "Unused indexes", "Cache hit ratio", "Connections and pool"):
        assert title in body
    event = AuditEvent.objects.get(action=actions.DATABASE_REPORT_VIEWED)
    assert event.actor == engineer


def test_staff_without_the_permission_are_refused_and_nothing_is_recorded(client):
    client.force_login(staff("view_cache_stats"))
    assert client.get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action=actions.DATABASE_REPORT_VIEWED).exists()


def test_customers_and_strangers_are_sent_to_the_admin_login(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
