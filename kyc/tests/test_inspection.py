import io

import pytest
from PIL import Image

from kyc.errors import FileUnreadable, ImageTooLarge, UnsupportedFileType
from kyc.inspection import MAX_IMAGE_PIXELS, inspect_document
from kyc.tests import files


def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded():
    output = io.BytesIO()
    Image.new("1", (8000, MAX_IMAGE_PIXELS // 8000 + 1)).save(output, format="PNG")
    with pytest.raises(ImageTooLarge):
        inspect_document(output.getvalue())


def test_a_truncated_png_is_unreadable():
    data = files.png(size=(300, 300))
    with pytest.raises(FileUnreadable):
        inspect_document(data[: len(data) // 2])


def test_bytes_hidden_after_a_png_are_not_kept():
    inspected = inspect_document(files.png() + b"<script>alert(1)</script>")
    assert b"<script>" not in inspected.content
    assert inspected.content_type == "image/png"


@pytest.mark.parametrize("data", [b"", b"GIF89a" + b"\0" * 32, files.HTML], ids=["empty", "gif", "html"])
def test_other_types_are_unsupported(data):
    with pytest.raises(UnsupportedFileType):
        inspect_document(data)
