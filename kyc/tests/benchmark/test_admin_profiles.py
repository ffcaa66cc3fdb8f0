"""What the KYC review queue and the profiles' changelist cost in SQL."""

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from kyc.models import KycProfile
from kyc.tests.factories import submitted_profile

pytestmark = pytest.mark.django_db

# The unfiltered profiles changelist, however many rows (besides the row estimate on PostgreSQL).
CHANGELIST_QUERIES = 11


def test_review_queue_lists_pending_profiles_oldest_first_with_document_previews(
    client, reviewer, django_assert_num_queries
):
    first, second, third = (submitted_profile(UserFactory()) for _ in range(3))
    KycProfile.objects.create(customer=UserFactory())  # not started: not in the queue
    # One of them for the profiles' sanctions matches, prefetched for the whole page, one for
    # the session's second-factor device; the unfiltered total is never counted.
    with django_assert_num_queries(11):
        response = client.get("/admin/kyc/kycreviewqueue/")
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(profile.customer.email) for profile in (first, second, third)]
    assert positions == sorted(positions)
    assert page.count("/admin/kyc/kycprofile/document/") == 6
    for _ in range(5):
        submitted_profile(UserFactory())
    with django_assert_num_queries(11):
        assert client.get("/admin/kyc/kycreviewqueue/").status_code == 200


def test_profiles_changelist_query_count_does_not_grow_with_rows(client, reviewer, django_assert_num_queries):
    # Session, user, second-factor device, the reviewer's two permission reads, the total (on
    # PostgreSQL the table's row estimate first: a small table is then counted exactly), the
    # page with its customers and reviewers, its documents and sanctions matches prefetched,
    # and the two country filters' choices.
    expected = CHANGELIST_QUERIES + (connection.vendor == "postgresql")
    for count in (3, 30):
        while KycProfile.objects.count() < count:
            submitted_profile(UserFactory())
        with django_assert_num_queries(expected):
            response = client.get("/admin/kyc/kycprofile/")
        assert response.status_code == 200
        assert response.context["cl"].result_count == count
