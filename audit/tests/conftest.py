"""Fixtures several of this app's test modules share."""

import pytest
from django.contrib.auth.models import Permission


@pytest.fixture
def auditor(client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(staff_user)
    return staff_user
