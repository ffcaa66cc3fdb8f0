import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from kyc.models import SanctionsList
from kyc.tests.helpers import FIXTURES


@pytest.fixture(autouse=True)
def kyc_storage(settings, tmp_path):
    """Each test's documents go to a directory of its own, looked at after the request."""
    location = tmp_path / "kyc-documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "kyc": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture
def reviewer(client):
    officer = UserFactory(is_staff=True)
    officer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_kycprofile", "view_kycdocument", "review_kyc"])
    )
    client.force_login(officer)
    return officer


@pytest.fixture
def sdn_list():
    call_command("sanctions_load", FIXTURES / "sdn.csv", "--alt", FIXTURES / "alt.csv", stdout=None)
    return SanctionsList.objects.get()
