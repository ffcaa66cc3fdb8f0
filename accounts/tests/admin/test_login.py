"""The back office's sign-in form."""

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from accounts.tests.helpers import admin_code_step, staff_authenticator, totp_code
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_login_to_admin_is_audited(client, staff_user):
    client.post("/admin/login/", {"username": staff_user.email, "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": staff_user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    # The password alone is no sign-in yet: the success is the second factor's.
    assert response.url == "/admin/second-factor/?next=%2Fadmin%2F"
    assert admin_code_step(client, totp_code(staff_authenticator(staff_user))).status_code == 302
    failed, succeeded = AuditEvent.objects.order_by("id")
    assert failed.action == actions.LOGIN_FAILED
    assert failed.after == {"email": staff_user.email, "via": "admin"}
    assert succeeded.action == actions.LOGIN_SUCCEEDED
    assert succeeded.actor == staff_user
    assert succeeded.after == {"via": "admin", "step": "code", "factor": "authenticator"}
