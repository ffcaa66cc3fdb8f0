"""The upload limits, through the real API: size while streaming, the private temporary
directory, and nothing of an oversized upload left behind."""

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from kyc.models import KycDocument
from kyc.tests.helpers import in_a_year, stored_files


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    location = tmp_path / "upload-tmp"
    location.mkdir(mode=0o700)
    settings.FILE_UPLOAD_TEMP_DIR = str(location)
    return location


@pytest.fixture
def received_on_disk(monkeypatch):
    """Bytes Django's temporary-file handler wrote: proof the upload streamed to disk."""
    received = []
    write = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        received.append(len(raw_data))
        return write(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    return received


def post_passport(client, data: bytes):
    body = {
        "document_type": "passport",
        "expires_on": in_a_year(),
        "file": SimpleUploadedFile("scan.png", data),
    }
    return client.post("/api/kyc/documents", body, format="multipart")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc (Linux)")
def test_an_upload_stopped_while_streaming_leaves_no_file_open_or_on_disk(
    customer_client, settings, upload_temp_dir, received_on_disk, kyc_storage
):
    # Past Django's in-memory size, so the body streams into a temporary file; the declared
    # length is within the limit's allowance for the form, so only the stream can stop it.
    settings.KYC_MAX_UPLOAD_BYTES = settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 4096
    oversized = b"\x89PNG" + b"\0" * (settings.KYC_MAX_UPLOAD_BYTES + 1)
    descriptors_before = open_descriptors()
    for _ in range(5):
        response = post_passport(customer_client, oversized)
        assert response.status_code == 413
        assert response.json()["code"] == "file_too_large"
    assert sum(received_on_disk) > 5 * 2_000_000
    assert list(upload_temp_dir.iterdir()) == []
    assert open_descriptors() == descriptors_before
    assert stored_files(kyc_storage) == []
    assert not KycDocument.objects.exists()


def test_uploads_stream_into_a_private_directory_of_the_apps_own_made_at_start(tmp_path):
    import bankcore.settings as production
    from bankcore.env import VARIABLES

    default = Path(production.FILE_UPLOAD_TEMP_DIR)
    # The checkout's own directory, not the shared one (the checkout itself may be under /tmp).
    assert default == Path(production.BASE_DIR) / "var" / "upload-tmp"
    assert default != Path(tempfile.gettempdir())

    location = tmp_path / "uploads"
    location.mkdir(mode=0o777)
    location.chmod(0o777)  # a directory left open is closed at start
    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    env.update(DEBUG="true", UPLOAD_TEMP_DIR=str(location), DJANGO_SETTINGS_MODULE="bankcore.settings")
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.FILE_UPLOAD_TEMP_DIR)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=production.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == str(location)
    assert stat.S_IMODE(location.stat().st_mode) == 0o700


@pytest.fixture
def body_bytes_read(monkeypatch):
    """Bytes the application read of request bodies (Django's LimitedStream over wsgi.input)."""
    from django.core.handlers.wsgi import LimitedStream

    read = []
    for name in ("read", "readline"):
        original = getattr(LimitedStream, name)

        def counting(self, size=-1, /, _original=original):
            data = _original(self, size)
            read.append(len(data))
            return data

        monkeypatch.setattr(LimitedStream, name, counting)
    return read


def test_a_body_that_declares_too_many_bytes_is_refused_before_one_is_read(
    customer_client, settings, received_on_disk, body_bytes_read
):
    settings.KYC_MAX_UPLOAD_BYTES = 2000
    declared = 2000 + 64 * 1024 + 1
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n'
    tail = b"\r\n--b--\r\n"
    # A body as long as it says, so only the declared length can have refused it unread.
    body = head + b"\0" * (declared - len(head) - len(tail)) + tail
    response = customer_client.generic(
        "POST", "/api/kyc/documents", body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert sum(body_bytes_read) == 0
    assert received_on_disk == []


def test_kyc_uploads_per_hour_sets_the_upload_throttle(tmp_path):
    from bankcore.env import VARIABLES

    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    env.update(DEBUG="true", KYC_UPLOADS_PER_HOUR="3", DJANGO_SETTINGS_MODULE="bankcore.settings")
    script = (
        "import django; django.setup(); from rest_framework.throttling import SimpleRateThrottle; "
        "print(SimpleRateThrottle.THROTTLE_RATES['kyc_upload'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "3/hour"


def test_uploads_past_kyc_uploads_per_hour_are_refused_before_the_body_is_read(
    customer_client, kyc_storage, body_bytes_read
):
    from rest_framework.throttling import SimpleRateThrottle

    from bankcore.env import VARIABLES
    from kyc.tests import files

    # The run's own setting (20 unless KYC_UPLOADS_PER_HOUR says otherwise), not a patched rate.
    per_hour = int(os.environ.get("KYC_UPLOADS_PER_HOUR", VARIABLES["KYC_UPLOADS_PER_HOUR"].default))
    assert SimpleRateThrottle.THROTTLE_RATES["kyc_upload"] == f"{per_hour}/hour"
    for n in range(per_hour):
        body = {"document_type": "selfie", "file": SimpleUploadedFile("me.png", files.png(color=(n, 7, 7)))}
        assert customer_client.post("/api/kyc/documents", body, format="multipart").status_code == 201
    read_before = sum(body_bytes_read)
    body = {"document_type": "selfie", "file": SimpleUploadedFile("me.png", files.png(color=(99, 7, 7)))}
    refused = customer_client.post("/api/kyc/documents", body, format="multipart")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert sum(body_bytes_read) == read_before, "the refused upload's body was read"
    assert KycDocument.objects.count() == len(stored_files(kyc_storage)) == per_hour


def test_files_are_counted_together_whatever_fields_they_come_in(customer_client, settings, kyc_storage):
    settings.KYC_MAX_UPLOAD_BYTES = 2000
    body = {
        "document_type": "selfie",
        "file": SimpleUploadedFile("a.png", b"\0" * 1500),
        "other": SimpleUploadedFile("b.png", b"\0" * 1500),
    }
    response = customer_client.post("/api/kyc/documents", body, format="multipart")
    assert response.status_code == 413
    assert stored_files(kyc_storage) == []
