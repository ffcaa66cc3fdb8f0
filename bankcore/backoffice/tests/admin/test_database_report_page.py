"""The database report page: Engineering's permission only, every opening audited."""

import pytest

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.tests.helpers import URL, staff

pytestmark = pytest.mark.django_db


def test_staff_without_the_permission_are_refused_and_nothing_is_recorded(client):
    client.force_login(staff("view_cache_stats"))
    assert client.get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action=actions.DATABASE_REPORT_VIEWED).exists()


def test_customers_and_strangers_are_sent_to_the_admin_login(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
