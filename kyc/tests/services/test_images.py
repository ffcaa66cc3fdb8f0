"""Images judged by what they decode to, before they are decoded."""

import io

import pytest
from PIL import Image

from kyc import images
from kyc.errors import ImageTooLarge
from kyc.inspection import inspect_document
from kyc.models import KycDocument
from kyc.tests import files
from kyc.tests.helpers import stored_files, upload


def phone_photo(size=(4000, 3000), orientation: int = 6) -> bytes:
    """A camera's JPEG: stored sideways, with the EXIF tag that says how to turn it."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    image = Image.new("RGB", size, (120, 90, 60))
    image.paste((250, 250, 250), (0, 0, size[0] // 2, size[1] // 4))  # the top-left corner, marked
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, exif=exif.tobytes())
    return output.getvalue()


@pytest.mark.parametrize(
    ("mode", "bytes_per_pixel"), [("1", 1), ("L", 1), ("P", 1), ("I;16", 2), ("RGB", 4), ("RGBA", 4)]
)
def test_the_decoded_size_counts_what_pillow_holds_per_pixel(mode, bytes_per_pixel):
    image = Image.new(mode, (10, 10))
    assert len(image.tobytes()) <= images.bytes_per_pixel(mode) * 100
    assert images.bytes_per_pixel(mode) == bytes_per_pixel


def test_a_png_that_would_decode_past_the_budget_is_refused(settings):
    settings.KYC_IMAGE_DECODE_BUDGET_BYTES = 40 * 30 * 4 - 1
    with pytest.raises(ImageTooLarge):
        inspect_document(files.png(size=(40, 30)))
    settings.KYC_IMAGE_DECODE_BUDGET_BYTES = 40 * 30 * 4
    assert inspect_document(files.png(size=(40, 30))).content_type == "image/png"


def test_a_jpeg_past_the_budget_is_decoded_smaller(settings):
    settings.KYC_IMAGE_DECODE_BUDGET_BYTES = 400 * 300 * 4 // 4
    stored = Image.open(io.BytesIO(inspect_document(files.jpeg(size=(400, 300))).content))
    assert stored.size == (200, 150)


def test_a_phone_photo_of_12_megapixels_is_kept_upright_without_its_exif(customer_client, kyc_storage):
    data = phone_photo()
    assert b"PhoneMaker" in data
    response = upload(customer_client, data, "selfie", name="IMG_0001.jpg")
    assert response.status_code == 201, response.json()
    content = customer_client.get(f"/api/kyc/documents/{response.json()['id']}/file").content
    stored = Image.open(io.BytesIO(content))
    assert (stored.format, stored.size) == ("JPEG", (3000, 4000))
    assert b"PhoneMaker" not in content
    assert not stored.getexif()
    # Turned a quarter clockwise: the marked corner is now the top right.
    assert stored.getpixel((2900, 100)) > (200, 200, 200)
    assert stored.getpixel((100, 100)) < (200, 200, 200)


def test_beyond_the_decodes_a_process_runs_at_once_an_upload_is_told_to_retry(
    customer_client, kyc_storage, settings
):
    settings.KYC_IMAGE_DECODE_WAIT_SECONDS = 0
    held = 0
    while images.DECODE_SLOTS.acquire(blocking=False):
        held += 1
    try:
        response = upload(customer_client, files.png(), "selfie")
    finally:
        for _ in range(held):
            images.DECODE_SLOTS.release()
    assert held == settings.KYC_IMAGE_DECODES_PER_PROCESS
    assert response.status_code == 503
    assert response.json()["code"] == "image_decoding_busy"
    assert int(response["Retry-After"]) >= 1
    assert stored_files(kyc_storage) == []
    assert not KycDocument.objects.exists()
    assert upload(customer_client, files.png(), "selfie").status_code == 201


def test_a_pdf_needs_no_image_decode_slot(settings):
    settings.KYC_IMAGE_DECODE_WAIT_SECONDS = 0
    held = 0
    while images.DECODE_SLOTS.acquire(blocking=False):
        held += 1
    try:
        assert inspect_document(files.pdf()).content_type == "application/pdf"
    finally:
        for _ in range(held):
            images.DECODE_SLOTS.release()
