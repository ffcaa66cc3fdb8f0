"""What reading run-time settings costs in SQL: defaults until set, then cached."""

import pytest

from audit.models import AuditEvent
from bankcore.backoffice.operations import config_set
from bankcore.config import config_get

pytestmark = pytest.mark.django_db


def test_settings_default_until_set_and_are_cached(django_assert_num_queries, staff_user):
    with django_assert_num_queries(1):
        assert config_get("accounts.max_per_customer") == 10
    with django_assert_num_queries(0):  # "no row" is cached too
        assert config_get("accounts.max_per_customer") == 10
    config_set(name="accounts.max_per_customer", value=4, actor=staff_user)
    assert config_get("accounts.max_per_customer") == 4
    event = AuditEvent.objects.get(action="config.changed")
    assert (event.actor, event.before, event.after) == (staff_user, {"value": None}, {"value": 4})
