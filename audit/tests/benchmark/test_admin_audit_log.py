"""What the audit log's changelist costs in SQL, whatever its length."""

import pytest
from django.db import connection

from audit import actions
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_changelist_query_count_is_fixed(client, auditor, django_assert_num_queries):
    for n in range(60):
        audit_record(action=actions.LOGIN_FAILED, object_type="accounts.user", object_id=str(n))
    client.get("/admin/audit/auditevent/")  # the session and its user, as on any later page
    # session, user, the session's second-factor device, the user's and their groups'
    # permissions, checkpoint, head, overdue
    # count, staff for the actor filter, count (the estimate first on PostgreSQL), rows
    expected = 11 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        assert client.get("/admin/audit/auditevent/").status_code == 200
    with django_assert_num_queries(expected - (connection.vendor == "postgresql")):
        assert client.get("/admin/audit/auditevent/?q=5&action=auth.login_failed").status_code == 200
