"""What several of KYC's test modules share: a complete profile, uploads through the API and
the files kept in storage."""

import datetime

from django.utils import timezone

PROFILE = {
    "legal_name": "Zoë Ångström",
    "date_of_birth": "1990-04-01",
    "nationality": "SE",
    "residence_country": "DE",
    "address": "Unter den Linden 1, 10117 Berlin",
    "national_id": "AB 1234-5678",
}


def in_a_year() -> str:
    return (timezone.localdate() + datetime.timedelta(days=365)).isoformat()


def upload(client, data: bytes, document_type: str = "selfie", name: str = "file.bin", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"document_type": document_type, "file": SimpleUploadedFile(name, data), **fields}
    if document_type in {"passport", "national_id", "driving_licence", "residence_permit"}:
        body.setdefault("expires_on", in_a_year())
    if document_type == "proof_of_address":
        body.setdefault("issued_on", timezone.localdate().isoformat())
    return client.post("/api/kyc/documents", body, format="multipart")


def stored_files(location) -> list:
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []
