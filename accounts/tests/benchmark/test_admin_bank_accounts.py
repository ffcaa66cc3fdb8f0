"""What the back office's ledger pages cost in SQL, whatever the rows they list."""

import pytest

from accounts.tests.factories import AccountFactory, fund

pytestmark = pytest.mark.django_db


def test_ledger_changelist_query_count_does_not_grow_with_rows(
    client, compliance, django_assert_max_num_queries, transfer
):
    a, b = fund(AccountFactory(), 1000_00), AccountFactory()
    for _ in range(30):
        transfer(a, b, 100)
    with django_assert_max_num_queries(8):
        response = client.get("/admin/accounts/ledgerentry/")
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/admin/accounts/ledgerentry/?q={b.number}").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/admin/accounts/account/?q={a.customer.email}").status_code == 200
