"""What the sanctions matches list costs in SQL."""

import pytest

from kyc.tests.helpers import held_profile

# Every test here runs against the sanctions list of kyc/fixtures, loaded before it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sdn_list")]


def test_the_matches_list_has_a_fixed_number_of_queries(client, reviewer, django_assert_num_queries):
    held_profile()
    # 8 with the session's second-factor device, read on every back-office page
    with django_assert_num_queries(8):
        assert client.get("/admin/kyc/screeningmatch/").status_code == 200
    for _ in range(3):
        held_profile()
    with django_assert_num_queries(8):
        assert client.get("/admin/kyc/screeningmatch/").status_code == 200
