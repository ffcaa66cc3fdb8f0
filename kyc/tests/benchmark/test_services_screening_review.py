"""What screening a profile on submit costs in SQL."""

import pytest

from kyc.services.screening import kyc_profile_screen
from kyc.tests.helpers import submitted

# Every test here runs against the sanctions list of kyc/fixtures, loaded before it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sdn_list")]


def test_screening_a_profile_costs_a_fixed_number_of_queries(customer, django_assert_num_queries):
    profile = submitted(customer, legal_name="Margaret Eleanor Whitfield")
    profile.legal_name = "Nicolas Maduro Moros"
    # Newest version, matches already recorded, the new match, the audit event.
    with django_assert_num_queries(4):
        kyc_profile_screen(profile=profile)
