"""The upload size limit, enforced on the stream as the request body is read, and the
parser that leaves nothing of a refused upload behind."""

from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from rest_framework.parsers import MultiPartParser

from kyc.errors import FileTooLarge

# Room for the multipart boundaries and the form's small fields next to the file.
_FORM_OVERHEAD_BYTES = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the chain: counts every file byte of the request and stops it past the
    limit, before the next handler (memory, or a temporary file) receives the chunk."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A body that says up front it is too large is refused before a byte is read.
        if content_length and content_length > self.limit + _FORM_OVERHEAD_BYTES:
            raise FileTooLarge()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise FileTooLarge()
        return raw_data

    def file_complete(self, file_size):
        return None


class KycDocumentParser(MultiPartParser):
    """Multipart with the KYC size limit in front of Django's own handlers.

    Django closes its handlers' files only when a handler stops the upload with its own
    ``StopUpload``; any other exception (the limit, a malformed or cut-off body) leaves the
    temporary file holding the document's plaintext open, on disk, until a garbage
    collection. Every handler is told the upload was interrupted, which closes and
    deletes its file, before the error goes on to become the response.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        handlers = [
            SizeLimitUploadHandler(request, limit=settings.KYC_MAX_UPLOAD_BYTES),
            MemoryFileUploadHandler(request),
            TemporaryFileUploadHandler(request),
        ]
        request._request.upload_handlers = handlers
        try:
            return super().parse(stream, media_type, parser_context)
        except BaseException:
            for handler in handlers:
                handler.upload_interrupted()
            raise
