"""The back office's sign-in form."""

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_login_to_admin_is_audited(client, staff_user):
    client.post("/admin/login/", {"username": staff_user.email, "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": staff_user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    failed, succeeded = AuditEvent.objects.order_by("id")
    assert failed.action == actions.LOGIN_FAILED
    assert failed.after == {"email": staff_user.email, "via": "admin"}
    assert succeeded.action == actions.LOGIN_SUCCEEDED
    assert succeeded.actor == staff_user
