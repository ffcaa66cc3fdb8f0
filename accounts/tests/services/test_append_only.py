"""PostgreSQL itself refuses UPDATE, DELETE and TRUNCATE on postings and ledger entries."""

import pytest
from django.db import connection, transaction

from accounts.models import LedgerEntry, Posting
from accounts.tests.factories import AccountFactory, fund

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.requires_postgres("the insert-only triggers are PostgreSQL's"),
]


def _refused(sql, params=()):
    with pytest.raises(Exception, match="refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("table", ["accounts_posting", "accounts_ledgerentry"])
def test_money_rows_cannot_be_changed_or_removed_by_sql(table):
    account = fund(AccountFactory(), 10_00)
    entry = LedgerEntry.objects.filter(account=account).get()
    row_id = entry.posting_id if table == "accounts_posting" else entry.pk
    _refused(f"UPDATE {table} SET description = 'edited' WHERE id = %s", [row_id])  # noqa: S608
    _refused(f"DELETE FROM {table} WHERE id = %s", [row_id])  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _refused(f"SET LOCAL bankcore.test_flush = 'off'; TRUNCATE {table} CASCADE")
    assert Posting.objects.get(pk=entry.posting_id).description == "test funding"
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 10_00


def test_truncate_is_allowed_only_to_the_test_suite_on_a_test_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_setting('bankcore.test_flush', true)")
        name, flag = cursor.fetchone()
    # The suite's sessions ask (test settings) on a test_ database, which is how transactional
    # tests are emptied between tests; a production database's name never starts so.
    assert name.startswith("test_")
    assert flag == "on"
