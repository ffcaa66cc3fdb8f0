"""What an uploaded file is, decided from its bytes alone, and the bytes bankcore keeps.

The name and the declared content type are the client's word and are never read. A PDF must
parse and hold nothing a viewer would run or unpack; a JPEG or PNG must decode completely
within a pixel and memory budget, and is re-encoded so that only its pixels are kept (no
EXIF, GPS, comments or trailing bytes a polyglot would hide; kyc.images).
"""

import io
from typing import NamedTuple

import filetype
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

from kyc.errors import FileActiveContent, FileUnreadable, UnsupportedFileType
from kyc.images import JPEG, PNG, image_reencode

PDF = "application/pdf"

# Names under which a PDF carries code, actions a viewer takes by itself or on a click
# (opening links, sending forms, fetching remote files, which leaks NTLM hashes over UNC
# paths), forms, media, or other files. An identity document needs none of them.
_ACTIVE_PDF_NAMES = frozenset(
    {
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
# A limit on the objects walked, so a crafted object graph cannot keep a worker busy.
_MAX_PDF_OBJECTS = 100_000


class Inspected(NamedTuple):
    content_type: str
    content: bytes


def inspect_document(data: bytes) -> Inspected:
    """The detected type and the bytes to store, or a refusal saying why."""
    kind = filetype.guess(data[:8192]) if data else None
    mime = kind.mime if kind is not None else None
    if mime == PDF:
        _check_pdf(data)
        return Inspected(PDF, data)
    if mime in (JPEG, PNG):
        return Inspected(mime, image_reencode(data, mime))
    raise UnsupportedFileType()


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise FileUnreadable("Encrypted PDF files cannot be checked and are not accepted.")
        if len(reader.pages) == 0:
            raise FileUnreadable()
        active = _has_active_content(reader.trailer)
    except (FileUnreadable, FileActiveContent):
        raise
    except Exception as error:  # pypdf raises many kinds on hostile input; each is unreadable
        raise FileUnreadable() from error
    if active:
        raise FileActiveContent()


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
