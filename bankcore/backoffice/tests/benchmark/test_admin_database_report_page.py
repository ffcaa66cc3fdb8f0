"""What the database report page costs in SQL."""

import pytest
from django.db import connection

from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.tests.helpers import URL, staff

pytestmark = pytest.mark.django_db


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
