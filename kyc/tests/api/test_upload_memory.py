"""Small files that decode to large images, uploaded at once from real threads: the
process's memory stays bounded."""

import io
import re
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from accounts.tests.factories import UserFactory
from kyc.models import KycDocument

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("uploads from real threads, each on its own connection"),
    pytest.mark.skipif(
        not Path("/proc/self/clear_refs").exists(), reason="reads the peak RSS from /proc (Linux)"
    ),
]

MEGABYTE = 1024 * 1024


def _status_kilobytes(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))


def peak_growth(run) -> int:
    """Bytes the process's resident memory grew by at its peak while ``run`` ran: Linux
    resets the high-water mark (VmHWM) to the current RSS on writing 5 to clear_refs."""
    before = _status_kilobytes("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    run()
    return (_status_kilobytes("VmHWM") - before) * 1024


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """7071x7071 RGBA in under 200 KB: one colour compresses to almost nothing."""
    output = io.BytesIO()
    Image.new("RGBA", (7071, 7071), (30, 60, 90, 255)).save(output, format="PNG")
    return output.getvalue()


def test_three_images_each_decoding_to_200_mb_uploaded_at_once_stay_within_600_mb(bearer_client, huge_png):
    assert len(huge_png) < 400 * 1024
    clients = [bearer_client(UserFactory()) for _ in range(3)]
    start = threading.Barrier(len(clients))
    answers = []

    def upload(client):
        start.wait()
        body = {"document_type": "selfie", "file": SimpleUploadedFile("photo.png", huge_png)}
        response = client.post("/api/kyc/documents", body, format="multipart")
        answers.append((response.status_code, response.json().get("code")))
        connection.close()

    def run():
        threads = [threading.Thread(target=upload, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    growth = peak_growth(run)
    assert growth < 600 * MEGABYTE, f"peak memory grew by {growth // MEGABYTE} MB"
    assert answers == [(422, "image_too_large")] * 3
    assert not KycDocument.objects.exists()
