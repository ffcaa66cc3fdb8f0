"""What an uploaded file is, decided from its bytes alone, and the bytes bankcore keeps.

The name and the declared content type are the client's word and are never read. A PDF must
parse and hold nothing a viewer would run or unpack; a JPEG or PNG must decode completely
within a pixel and memory budget, and is re-encoded so that only its pixels are kept (no
EXIF, GPS, comments or trailing bytes a polyglot would hide; kyc.images).
"""

import io
from typing import NamedTuple

import filetype
from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from kyc.errors import FileActiveContent, FileUnreadable, UnsupportedFileType
from kyc.images import JPEG, PNG, image_reencode

PDF = "application/pdf"

# Names under which a PDF carries code, actions a viewer takes by itself or on a click
# (opening links, sending forms, fetching remote files, which leaks NTLM hashes over UNC
# paths), forms, media, 3D scenes, or other files: embedded, or referred to by a file
# specification (a page of another PDF through /Ref, an article thread's file). An identity
# document needs none of them.
_ACTIVE_PDF_NAMES = frozenset(
    {
        "/Filespec",
        "/FS",
        "/EF",
        "/Ref",
        "/3D",
        "/3DD",
        "/GoTo3DView",
        "/Thread",
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/FileAttachment",
        "/RichMedia",
        "/AcroForm",
        "/XFA",
        "/AA",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
# A limit on the objects walked, so a crafted object graph cannot keep a worker busy, and on
# the objects the cross-reference streams may list (all of a /Prev chain together): pypdf's
# default of two million rows let a 20 KB file hold hundreds of megabytes while it opened.
_MAX_PDF_OBJECTS = 100_000
# What a PDF's object streams may inflate to, all together and each alone. pypdf keeps every
# object stream it reads from decoded, and zlib packs a megabyte of spaces into a kilobyte:
# a 550 KB upload of eight such streams grew a worker by 600 MB. An identity document's
# objects (pages, fonts' metrics, outlines) take a few megabytes at most; its images and
# page contents are copied as they are, never decoded.
_MAX_PDF_OBJECT_STREAM_BYTES = 32 * 1024 * 1024


class Inspected(NamedTuple):
    content_type: str
    content: bytes


def inspect_document(data: bytes) -> Inspected:
    """The detected type and the bytes to store, or a refusal saying why."""
    kind = filetype.guess(data[:8192]) if data else None
    mime = kind.mime if kind is not None else None
    if mime == PDF:
        return Inspected(PDF, _pdf_rewrite(data))
    if mime in (JPEG, PNG):
        return Inspected(mime, image_reencode(data, mime))
    raise UnsupportedFileType()


def _pdf_rewrite(data: bytes) -> bytes:
    """The PDF written anew from the objects its trailer reaches, checked before and after:
    nothing after its last ``%%EOF`` (an appended archive), no object a viewer never reaches,
    kept; what is stored is exactly what was inspected."""
    try:
        with apply_configuration(
            zlib_maximum_output_length=_MAX_PDF_OBJECT_STREAM_BYTES,
            lzw_maximum_output_length=_MAX_PDF_OBJECT_STREAM_BYTES,
            run_length_maximum_output_length=_MAX_PDF_OBJECT_STREAM_BYTES,
            brotli_maximum_output_length=_MAX_PDF_OBJECT_STREAM_BYTES,
        ):
            return _pdf_rewrite_checked(data)
    except (FileUnreadable, FileActiveContent):
        raise
    except Exception as error:  # pypdf raises many kinds on hostile input; each is unreadable
        raise FileUnreadable() from error


def _pdf_rewrite_checked(data: bytes) -> bytes:
    reader = _pdf_read(data)
    if _has_active_content(reader.trailer):
        raise FileActiveContent()
    output = io.BytesIO()
    PdfWriter(clone_from=reader).write(output)
    rewritten = output.getvalue()
    kept = _pdf_read(rewritten)
    if len(kept.pages) != len(reader.pages):
        raise FileUnreadable()
    if _has_active_content(kept.trailer):
        raise FileActiveContent()
    return rewritten


def _pdf_read(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=True, xref_stream_maximum_entries=_MAX_PDF_OBJECTS)
    if reader.is_encrypted:
        raise FileUnreadable("Encrypted PDF files cannot be checked and are not accepted.")
    _object_streams_decode(reader)
    if len(reader.pages) == 0:
        raise FileUnreadable()
    return reader


def _object_streams_decode(reader: PdfReader) -> None:
    """Decode the PDF's object streams one at a time, before any object is read from one,
    and refuse the file once together they pass the budget (pypdf keeps each decoded)."""
    inflated = 0
    for number in sorted({stream for stream, _ in reader.xref_objStm.values()}):
        stream = reader.get_object(number)
        if isinstance(stream, StreamObject):
            inflated += len(stream.get_data())
        if inflated > _MAX_PDF_OBJECT_STREAM_BYTES:
            raise FileUnreadable("The PDF's objects take too much memory to check.")


def _has_active_content(root) -> bool:
    """Walk every object reachable from the trailer, as a viewer could, looking for names
    of active content (as keys or values; pypdf has already undone #xx escapes)."""
    seen: set[tuple[int, int]] = set()
    pending = [root]
    walked = 0
    while pending:
        node = pending.pop()
        walked += 1
        if walked > _MAX_PDF_OBJECTS:
            raise FileUnreadable("The PDF has too many objects to check.")
        if isinstance(node, IndirectObject):
            reference = (node.idnum, node.generation)
            if reference in seen:
                continue
            seen.add(reference)
            pending.append(node.get_object())
        elif isinstance(node, DictionaryObject):
            if _ACTIVE_PDF_NAMES & set(node.keys()):
                return True
            # /F is an annotation's or outline item's flags (a number), or else a file
            # specification: of an action's target, or of a stream whose bytes live elsewhere.
            if "/F" in node and not isinstance(node["/F"], NumberObject):
                return True
            # Opening at a page is all an open action of an identity document needs: a
            # destination (an array, or a named one), never an action of any kind.
            if "/OpenAction" in node and not isinstance(
                node["/OpenAction"], (ArrayObject, NameObject, TextStringObject, ByteStringObject)
            ):
                return True
            pending.extend(node.values())
        elif isinstance(node, ArrayObject):
            pending.extend(node)
        elif isinstance(node, NameObject) and node in _ACTIVE_PDF_NAMES:
            return True
    return False
