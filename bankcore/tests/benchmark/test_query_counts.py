"""The query-count pin for writes: savepoints move with harmless refactors, queries do not."""

import pytest
from django.db import transaction

from bankcore.models import SystemSetting

pytestmark = pytest.mark.django_db


def test_a_nested_atomic_block_leaves_the_pin_unchanged(assert_num_queries_excluding_savepoints):
    with assert_num_queries_excluding_savepoints(1), transaction.atomic():
        SystemSetting.objects.exists()


def test_one_query_more_still_fails_the_pin(assert_num_queries_excluding_savepoints):
    def two_queries():
        with assert_num_queries_excluding_savepoints(1):
            SystemSetting.objects.exists()
            SystemSetting.objects.exists()

    with pytest.raises(AssertionError, match="2 queries besides savepoints, not 1"):
        two_queries()
