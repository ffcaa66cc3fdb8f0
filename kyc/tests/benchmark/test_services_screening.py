"""What screening costs in SQL: the list read once, then one query per screening."""

import pytest

from kyc.screening.matcher import screening_run
from kyc.tests.helpers import uids

pytestmark = pytest.mark.django_db


def test_screening_reads_the_list_once_then_one_query_per_screening(sdn_list, django_assert_num_queries):
    screening_run(name="Vladimir Putin")
    with django_assert_num_queries(1):
        assert uids(screening_run(name="Ramzan Kadyrov")) == [23393]
