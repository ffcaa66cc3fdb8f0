"""What the users changelist costs in SQL, at a few rows and past the estimate's threshold."""

import pytest
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return User.objects.create_superuser("root@example.test", "root-Pass-2026-original", full_name="Root")


# The unfiltered users changelist, however many rows: session, user, second-factor device,
# the total (on PostgreSQL the table's row estimate first: a small table is then counted
# exactly) and the page.
USERS_CHANGELIST_QUERIES = 5


def _users_changelist(client, expected: int, django_assert_num_queries):
    with django_assert_num_queries(expected) as captured:
        response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    return response.context["cl"], [query["sql"] for query in captured.captured_queries]


def test_users_changelist_query_count_does_not_grow_with_rows(client, root, django_assert_num_queries):
    client.force_login(root)
    expected = USERS_CHANGELIST_QUERIES + (connection.vendor == "postgresql")
    for count in (3, 30):
        UserFactory.create_batch(count - User.objects.count())
        changelist, _ = _users_changelist(client, expected, django_assert_num_queries)
        assert changelist.result_count == count


@pytest.mark.requires_postgres("the row estimate is PostgreSQL's (pg_class.reltuples)")
def test_users_changelist_past_ten_thousand_rows_shows_the_estimate_not_a_count(
    client, root, django_assert_num_queries, statement_timeout_lifted
):
    client.force_login(root)
    User.objects.bulk_create(
        User(email=f"bulk-{n}@example.test", full_name="Bulk", password="!") for n in range(10_001)
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_user")
        changelist, queries = _users_changelist(client, USERS_CHANGELIST_QUERIES, django_assert_num_queries)
        assert changelist.result_count > 10_000
        assert any("reltuples" in sql for sql in queries)
        assert not any("COUNT(" in sql for sql in queries), "the big table was counted"
        # A filtered list is counted exactly, with the same number of queries.
        with django_assert_num_queries(USERS_CHANGELIST_QUERIES):
            filtered = client.get("/admin/accounts/user/?is_staff__exact=1")
        assert filtered.context["cl"].result_count == 1
    finally:
        # ANALYZE writes its statistics outside the test's transaction: leave them as they
        # were, or the next tests' changelists would use an estimate of rows rolled back.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bulk-%%@example.test'")
            cursor.execute("ANALYZE accounts_user")
