"""The database's identity is read once per process, on first cache use."""

import pytest

from bankcore import cache as kernel
from bankcore.models import DatabaseIdentity


@pytest.mark.django_db
def test_the_identity_is_read_once_per_process_on_first_cache_use(django_assert_num_queries):
    stored = DatabaseIdentity.objects.get().value
    kernel.database_identity_forget()
    with django_assert_num_queries(1):
        assert kernel.get_or_set(kernel.Slot("probe", (1,), (), 60), lambda: "value") == "value"
    with django_assert_num_queries(0):
        assert kernel.get_or_set(kernel.Slot("probe", (1,), (), 60), lambda: "other") == "value"
    assert kernel.database_identity() == stored
