import pytest


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
