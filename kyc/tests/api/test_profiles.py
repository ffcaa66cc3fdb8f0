import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from kyc.models import KycDocument, KycProfile, KycStatus
from kyc.tests import files
from kyc.tests.helpers import PROFILE, in_a_year, stored_files, upload


class TestStatus:
    def test_new_customer_has_not_started_and_needs_a_photo_id_and_a_selfie(self, customer_client):
        response = customer_client.get("/api/kyc/status")
        assert response.status_code == 200
        assert response.json() == {
            "status": "not_started",
            "level": "basic",
            "submitted_at": None,
            "decided_at": None,
            "reason": "",
            "missing": ["photo_id", "selfie"],
        }

    def test_an_upload_is_seen_on_the_next_status_read(self, customer_client):
        assert customer_client.get("/api/kyc/status").json()["missing"] == ["photo_id", "selfie"]
        assert upload(customer_client, files.jpeg(), "selfie").status_code == 201
        assert customer_client.get("/api/kyc/status").json()["missing"] == ["photo_id"]

    def test_the_plain_status_body_is_what_its_serializer_writes(
        self, customer_client, customer, kyc_storage
    ):
        """The serializer declares the schema; the views write kyc_status_json: they cannot drift."""
        from kyc.api.serializers import KycStatusOutputSerializer, kyc_status_json
        from kyc.selectors import kyc_status_body

        def declared():
            return KycStatusOutputSerializer(kyc_status_body(customer_id=customer.pk)).data

        assert kyc_status_json(kyc_status_body(customer_id=customer.pk)) == declared()
        customer_client.put("/api/kyc/profile", PROFILE, format="json")
        upload(customer_client, files.png(), "passport")
        upload(customer_client, files.jpeg(), "selfie")
        submitted = customer_client.post("/api/kyc/submit", {}, format="json").json()
        assert submitted == declared()
        assert customer_client.get("/api/kyc/status").json() == declared()
        assert submitted["submitted_at"].endswith("Z")


class TestProfile:
    def test_put_profile_returns_only_the_last_four_of_the_national_id(self, customer_client, customer):
        response = customer_client.put("/api/kyc/profile", PROFILE, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["national_id_last4"] == "5678"
        assert "AB12345678" not in response.content.decode()
        profile = KycProfile.objects.get(customer=customer)
        assert "12345678" not in profile.national_id_encrypted
        assert profile.legal_name == "Zoë Ångström"

    def test_put_profile_refuses_an_unknown_country(self, customer_client):
        response = customer_client.put("/api/kyc/profile", {**PROFILE, "nationality": "XX"}, format="json")
        assert response.status_code == 400
        assert response.json()["fields"]["nationality"][0]["code"] == "invalid_choice"
        assert not KycProfile.objects.exists()

    @pytest.mark.parametrize("legal_name", ["Vladimir \u0420utin", "Vl\u0430dimir Putin", "\u041f\u0443tin"])
    def test_put_profile_refuses_a_name_word_mixing_alphabets(self, customer_client, legal_name):
        response = customer_client.put(
            "/api/kyc/profile", {**PROFILE, "legal_name": legal_name}, format="json"
        )
        assert response.status_code == 422
        assert response.json()["code"] == "legal_name_mixed_script"
        assert not KycProfile.objects.exclude(legal_name="").exists()

    def test_put_profile_takes_a_name_with_words_in_different_alphabets(self, customer_client):
        name = "\u0412\u043b\u0430\u0434\u0438\u043c\u0438\u0440 Jean-Pierre O'Neill"
        response = customer_client.put("/api/kyc/profile", {**PROFILE, "legal_name": name}, format="json")
        assert response.status_code == 200
        assert KycProfile.objects.get().legal_name == name

    def test_put_profile_refuses_numbers_where_text_is_due(self, customer_client):
        response = customer_client.put(
            "/api/kyc/profile", {**PROFILE, "address": 0, "national_id": 12345}, format="json"
        )
        assert response.status_code == 400
        assert set(response.json()["fields"]) == {"address", "national_id"}

    @pytest.mark.parametrize("national_id", ["A123", "A  B", "A--B", "AB 1-2 C"])
    def test_put_profile_refuses_a_national_id_of_fewer_than_six_letters_or_digits(
        self, customer_client, national_id
    ):
        body = {**PROFILE, "national_id": national_id}
        response = customer_client.put("/api/kyc/profile", body, format="json")
        assert response.status_code == 400
        assert [error["code"] for error in response.json()["fields"]["national_id"]] == ["too_few_characters"]
        assert not KycProfile.objects.exists()
        assert not AuditEvent.objects.filter(action=actions.KYC_PROFILE_UPDATED).exists()

    @pytest.mark.parametrize(
        ("national_id", "code"),
        [
            ("AB!!CD1234", "invalid"),
            ("AB  123456", "invalid"),
            ("AB-123456-", "invalid"),
            ("A" * 41, "max_length"),
        ],
    )
    def test_put_profile_refuses_a_malformed_or_long_national_id_with_one_code(
        self, customer_client, national_id, code
    ):
        response = customer_client.put(
            "/api/kyc/profile", {**PROFILE, "national_id": national_id}, format="json"
        )
        assert response.status_code == 400
        assert [error["code"] for error in response.json()["fields"]["national_id"]] == [code]

    def test_put_profile_refuses_a_date_of_birth_in_the_future(self, customer_client):
        response = customer_client.put(
            "/api/kyc/profile", {**PROFILE, "date_of_birth": "2999-01-01"}, format="json"
        )
        assert response.status_code == 422
        assert response.json()["code"] == "date_of_birth_invalid"
        assert not KycProfile.objects.exclude(legal_name="").exists()

    def test_profile_update_is_audited_without_the_national_id(self, customer_client):
        customer_client.put("/api/kyc/profile", PROFILE, format="json")
        event = AuditEvent.objects.get(action=actions.KYC_PROFILE_UPDATED)
        assert "12345678" not in str(event.after)
        assert event.after["national_id_last4"] == "5678"


class TestUpload:
    @pytest.mark.parametrize(
        ("data", "content_type"),
        [(files.pdf(), "application/pdf"), (files.jpeg(), "image/jpeg"), (files.png(), "image/png")],
        ids=["pdf", "jpeg", "png"],
    )
    def test_real_pdf_jpeg_and_png_are_accepted_and_stored_encrypted(
        self, customer_client, kyc_storage, data, content_type
    ):
        response = upload(customer_client, data, "passport", name="whatever.txt")
        assert response.status_code == 201, response.json()
        assert response.json()["content_type"] == content_type
        [stored] = stored_files(kyc_storage)
        assert data[:64] not in stored.read_bytes()
        assert AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_UPLOADED).count() == 1

    @pytest.mark.parametrize(
        ("data", "name", "code"),
        [
            (files.HTML, "page.pdf", "unsupported_file_type"),
            (files.SVG, "image.pdf", "unsupported_file_type"),
            (files.SCRIPT, "run.pdf", "unsupported_file_type"),
            (files.POLYGLOT, "polyglot.pdf", "file_unreadable"),
            (files.pdf(javascript="app.alert(1)"), "doc.pdf", "file_active_content"),
            (files.pdf(attachment=b"payload"), "doc.pdf", "file_active_content"),
            (files.pdf(launch=True), "doc.pdf", "file_active_content"),
            (files.jpeg(size=(400, 300))[:-300], "photo.jpg", "file_unreadable"),
        ],
        ids=[
            "html",
            "svg",
            "script",
            "polyglot",
            "pdf-javascript",
            "pdf-embedded-file",
            "pdf-launch",
            "truncated-jpeg",
        ],
    )
    def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_stored(
        self, customer_client, kyc_storage, data, name, code
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = {
            "document_type": "passport",
            "expires_on": in_a_year(),
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
        }
        response = customer_client.post("/api/kyc/documents", body, format="multipart")
        assert response.status_code == 422, response.json()
        assert response.json()["code"] == code
        assert stored_files(kyc_storage) == []
        assert not KycDocument.objects.exists()

    def test_an_oversize_upload_is_refused_before_anything_reaches_storage(
        self, customer_client, kyc_storage, settings
    ):
        settings.KYC_MAX_UPLOAD_BYTES = 2000
        big = files.png(size=(400, 400), color=(1, 2, 3)) + b"\0" * 5000
        response = upload(customer_client, big, "selfie")
        assert response.status_code == 413
        assert response.json()["code"] == "file_too_large"
        assert stored_files(kyc_storage) == []
        assert not KycDocument.objects.exists()

    def test_image_metadata_is_stripped(self, customer_client, customer):
        from PIL import Image

        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        data = files.jpeg(exif=exif.tobytes())
        assert b"SecretCam" in data
        response = upload(customer_client, data, "selfie")
        document = KycDocument.objects.get(pk=response.json()["id"])
        content = customer_client.get(f"/api/kyc/documents/{document.pk}/file").content
        assert content[:3] == b"\xff\xd8\xff"
        assert b"SecretCam" not in content

    def test_an_empty_file_is_refused_by_its_bytes(self, customer_client, kyc_storage):
        response = upload(customer_client, b"", "selfie")
        assert response.status_code == 422
        assert response.json()["code"] == "unsupported_file_type"
        assert stored_files(kyc_storage) == []

    def test_the_same_file_twice_is_a_duplicate(self, customer_client, kyc_storage):
        data = files.png()
        assert upload(customer_client, data, "selfie").status_code == 201
        response = upload(customer_client, data, "passport")
        assert response.status_code == 409
        assert response.json()["code"] == "duplicate_document"
        assert len(stored_files(kyc_storage)) == 1

    @pytest.mark.parametrize(
        ("original", "altered"),
        [
            (files.jpeg(), files.jpeg() + b"\x00"),
            (files.jpeg(), files.jpeg() + files.HTML),
            (files.png(), files.png() + b"\x00"),
            (files.pdf(), files.pdf() + b"\n%%EOF\n"),
        ],
        ids=["jpeg-and-a-nul", "jpeg-and-html", "png-and-a-nul", "pdf-and-a-trailer"],
    )
    def test_a_file_that_differs_only_in_what_is_not_kept_is_a_duplicate(
        self, customer_client, customer, kyc_storage, original, altered
    ):
        assert upload(customer_client, original, "selfie").status_code == 201
        response = upload(customer_client, altered, "passport")
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "duplicate_document"
        assert len(stored_files(kyc_storage)) == 1
        assert KycDocument.objects.filter(customer=customer).count() == 1

    @pytest.mark.parametrize(
        ("document_type", "dates"),
        [
            ("passport", {}),
            ("passport", {"expires_on": "2001-01-01"}),
            ("proof_of_address", {"issued_on": "2999-01-01"}),
        ],
        ids=["photo-id-without-expiry", "expired-photo-id", "issued-in-the-future"],
    )
    def test_document_dates_are_checked_before_anything_is_stored(
        self, customer_client, kyc_storage, document_type, dates
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = {"document_type": document_type, "file": SimpleUploadedFile("p.png", files.png()), **dates}
        response = customer_client.post("/api/kyc/documents", body, format="multipart")
        assert response.status_code == 422
        assert response.json()["code"] == "document_dates_invalid"
        assert stored_files(kyc_storage) == []


class TestOwnership:
    def test_another_customers_documents_and_files_are_404(self, customer_client, bearer_client):
        other = bearer_client(UserFactory())
        document_id = upload(other, files.png(), "selfie").json()["id"]
        assert customer_client.get(f"/api/kyc/documents/{document_id}").status_code == 404
        assert customer_client.get(f"/api/kyc/documents/{document_id}/file").status_code == 404
        assert customer_client.get("/api/kyc/documents").json()["results"] == []
        assert not AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_VIEWED).exists()

    def test_owner_downloads_the_file_as_an_attachment_of_its_detected_type_audited(self, customer_client):
        document_id = upload(customer_client, files.png(), "selfie", name="evil.html").json()["id"]
        response = customer_client.get(f"/api/kyc/documents/{document_id}/file")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_VIEWED).count() == 1


class TestSubmit:
    def test_submit_without_documents_names_what_the_level_needs(self, customer_client):
        customer_client.put("/api/kyc/profile", PROFILE, format="json")
        response = customer_client.post("/api/kyc/submit", {"level": "full"}, format="json")
        assert response.status_code == 422
        assert response.json()["code"] == "kyc_documents_missing"
        assert response.json()["missing"] == ["photo_id", "selfie", "proof_of_address"]

    def test_submit_without_a_profile_is_refused(self, customer_client):
        upload(customer_client, files.png(), "passport")
        upload(customer_client, files.jpeg(), "selfie")
        response = customer_client.post("/api/kyc/submit", {}, format="json")
        assert response.status_code == 422
        assert response.json()["code"] == "kyc_profile_incomplete"

    def test_a_complete_basic_submission_goes_to_review_audited(self, customer_client, customer, kyc_storage):
        customer_client.put("/api/kyc/profile", PROFILE, format="json")
        upload(customer_client, files.png(), "passport")
        upload(customer_client, files.jpeg(), "selfie")
        response = customer_client.post("/api/kyc/submit", {}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "pending_review"
        assert customer_client.get("/api/kyc/status").json()["status"] == "pending_review"
        assert KycProfile.objects.get(customer=customer).status == KycStatus.PENDING_REVIEW
        assert AuditEvent.objects.filter(action=actions.KYC_SUBMITTED).count() == 1
        # Under review, what the reviewer sees stays as it is.
        assert customer_client.put("/api/kyc/profile", PROFILE, format="json").status_code == 409
        refused = upload(customer_client, files.png(color=(1, 1, 1)), "selfie")
        assert refused.json()["code"] == "kyc_not_editable"
        assert len(stored_files(kyc_storage)) == 2  # the refused file was removed again

    def test_full_level_needs_a_recent_proof_of_address(self, customer_client):
        customer_client.put("/api/kyc/profile", PROFILE, format="json")
        upload(customer_client, files.png(), "passport")
        upload(customer_client, files.jpeg(), "selfie")
        old = (timezone.localdate() - datetime.timedelta(days=120)).isoformat()
        upload(customer_client, files.pdf(), "proof_of_address", issued_on=old)
        response = customer_client.post("/api/kyc/submit", {"level": "full"}, format="json")
        assert response.json()["missing"] == ["proof_of_address"]
        upload(customer_client, files.png(color=(9, 9, 9)), "proof_of_address")
        assert customer_client.post("/api/kyc/submit", {"level": "full"}, format="json").status_code == 200


class TestUploadLimits:
    def test_uploads_past_the_hourly_limit_are_throttled_per_customer(
        self, customer_client, bearer_client, kyc_storage, monkeypatch
    ):
        from rest_framework.throttling import SimpleRateThrottle

        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"kyc_upload": "3/hour"})
        sent = [upload(customer_client, files.png(color=(n, 9, 9))).status_code for n in range(3)]
        assert sent == [201, 201, 201]
        refused = upload(customer_client, files.png(color=(3, 9, 9)))
        assert refused.status_code == 429
        assert refused.json()["code"] == "throttled"
        assert "Retry-After" in refused
        assert KycDocument.objects.count() == len(stored_files(kyc_storage)) == 3
        # Reads are not counted, and another customer has an allowance of their own.
        assert customer_client.get("/api/kyc/documents").status_code == 200
        other = bearer_client(UserFactory())
        assert upload(other, files.jpeg(color=(4, 9, 9))).status_code == 201

    def test_a_customer_keeps_at_most_twenty_active_documents(self, customer, customer_client, kyc_storage):
        from kyc.services.documents import kyc_document_upload

        for n in range(20):
            kyc_document_upload(customer=customer, document_type="selfie", data=files.png(color=(n, 1, 1)))
        refused = upload(customer_client, files.jpeg(color=(99, 9, 9)))
        assert refused.status_code == 422
        assert refused.json()["code"] == "kyc_document_limit_reached"
        assert KycDocument.objects.count() == len(stored_files(kyc_storage)) == 20
        assert AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_UPLOADED).count() == 20

    def test_the_schema_documents_the_upload_throttle(self):
        from drf_spectacular.generators import SchemaGenerator

        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
        assert "429" in paths["/api/kyc/documents"]["post"]["responses"]
        assert "429" not in paths["/api/kyc/documents"]["get"]["responses"]

    def test_the_schema_documents_the_busy_image_decoder_and_when_to_retry(self):
        from drf_spectacular.generators import SchemaGenerator

        busy = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/api/kyc/documents"]["post"]
        assert "`image_decoding_busy`" in busy["responses"]["503"]["description"]
        assert busy["responses"]["503"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
