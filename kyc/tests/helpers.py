"""What several of KYC's test modules share: a complete profile, uploads through the API and
the files kept in storage."""

import datetime
from pathlib import Path

from django.utils import timezone

from accounts.tests.factories import UserFactory
from kyc.services.documents import kyc_document_upload
from kyc.services.profile import kyc_profile_update
from kyc.services.review import kyc_submit
from kyc.tests import files
from kyc.tests.factories import submitted_profile

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


def held_profile():
    return submitted_profile(
        UserFactory(),
        legal_name="Joaquín Guzmán Loera",
        date_of_birth=datetime.date(1957, 4, 4),
        nationality="MX",
    )


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def uids(hits):
    return [hit.uid for hit in hits]


def submitted(customer, *, legal_name: str, date_of_birth=datetime.date(1962, 11, 23), nationality="VE"):
    kyc_profile_update(
        customer=customer,
        legal_name=legal_name,
        date_of_birth=date_of_birth,
        nationality=nationality,
        residence_country="ES",
        address="Calle Mayor 1, Madrid",
        national_id="X1234567",
    )
    expires_on = timezone.localdate() + datetime.timedelta(days=365)
    kyc_document_upload(customer=customer, document_type="passport", data=files.jpeg(), expires_on=expires_on)
    kyc_document_upload(customer=customer, document_type="selfie", data=files.png())
    return kyc_submit(customer=customer)
