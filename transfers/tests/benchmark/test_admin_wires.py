"""What the compliance queue of held wires costs in SQL."""

import pytest

from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


def test_queue_lists_pending_wires_oldest_first_with_reason_kyc_and_screening(
    client, officer, held, customer_client, source, django_assert_num_queries
):
    first, second = held(), held("600.00")
    post_wire(customer_client, source, amount="10.00")  # below the threshold: sent, not queued
    # session, user, the session's second-factor device, user and group permissions, count,
    # the page with each customer's KYC status
    with django_assert_num_queries(7):
        response = client.get("/admin/transfers/wirereviewqueue/")
    assert response.status_code == 200
    page = response.content.decode()
    link = "/admin/transfers/wirereviewqueue/{}/change/"
    assert page.index(link.format(first.pk)) < page.index(link.format(second.pk))
    assert "at or above the review threshold 100.00 USD" in page
    assert "approved" in page  # the customer's KYC status
    for _ in range(4):
        held()
    with django_assert_num_queries(7):
        assert client.get("/admin/transfers/wirereviewqueue/").status_code == 200
