"""Fixtures several of this app's test modules share."""

import pytest

from accounts.tests.factories import AccountFactory, UserFactory, fund
from audit.models import AuditEvent
from kyc.tests.factories import submitted_profile


@pytest.fixture
def objects(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "kyc": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "kyc-documents", "base_url": None},
        },
    }
    customer = UserFactory()
    account = fund(AccountFactory(customer=customer), 50_00)
    profile = submitted_profile(customer)
    event = AuditEvent.objects.filter(actor=customer).first()
    return {"customer": customer, "account": account, "profile": profile, "event": event}


@pytest.fixture
def kyc_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "kyc": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "kyc-documents", "base_url": None},
        },
    }


@pytest.fixture
def receiver(settings):
    """A webhook receiver on loopback, which endpoints may name (WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    import ipaddress

    from bankcore.tests.receiver import Receiver

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = [ipaddress.ip_network("127.0.0.0/8")]
    receiver = Receiver().start()
    yield receiver
    receiver.stop()
