import pycountry
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bankcore.api.fields import DateField, FreeTextField, StringOnly, iso_datetime
from kyc.models import DocumentType, KycDocument, KycLevel, KycProfile, KycStatus
from kyc.validators import validate_legal_name_single_script

COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


# At least 6 letters or digits, single spaces or hyphens between them: with fewer, the last 4
# shown back would be (nearly) the whole number. One pattern, so the schema says exactly this.
NATIONAL_ID_PATTERN = r"^[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){5,}$"


@extend_schema_field({"type": "string", "pattern": NATIONAL_ID_PATTERN, "minLength": 6, "maxLength": 40})
class NationalIdField(StringOnly, serializers.RegexField):
    """One code for each way an ID is refused: ``too_few_characters`` for fewer than 6 letters
    or digits (however the rest is written), ``invalid`` for anything else the pattern refuses,
    ``max_length`` past 40 characters."""

    default_error_messages = {
        "invalid": "Give 6 to 40 letters or digits, with single spaces or hyphens between them.",
        "too_few_characters": "Give at least 6 letters or digits; spaces and hyphens do not count.",
    }

    def __init__(self, **kwargs):
        super().__init__(NATIONAL_ID_PATTERN, max_length=40, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # Checked before the field's validators, so a short ID is not also reported as invalid.
        if sum(character.isascii() and character.isalnum() for character in value) < 6:
            self.fail("too_few_characters")
        return value


class KycStatusOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=KycStatus.choices)
    level = serializers.ChoiceField(choices=KycLevel.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the next level still needs: photo_id (a passport, national_id, driving_licence "
        "or residence_permit that has not expired), selfie, proof_of_address (issued in the last 3 months).",
    )


def kyc_status_json(body: dict) -> dict:
    """KycStatusOutputSerializer's output for ``selectors.kyc_status_body``, written
    directly: the status is read on every screen of the app, and the serializer cost as
    much as the rest of the cached request. The serializer stays the schema's declaration;
    a test keeps the two identical."""
    return {
        "status": str(body["status"]),
        "level": str(body["level"]),
        "submitted_at": iso_datetime(body["submitted_at"]),
        "decided_at": iso_datetime(body["decided_at"]),
        "reason": str(body["reason"]),
        "missing": [str(need) for need in body["missing"]],
    }


class KycProfileInputSerializer(serializers.Serializer):
    legal_name = FreeTextField(max_length=200, validators=[validate_legal_name_single_script])
    date_of_birth = DateField()
    nationality = serializers.ChoiceField(choices=COUNTRY_CODES, help_text="ISO 3166-1 alpha-2")
    residence_country = serializers.ChoiceField(choices=COUNTRY_CODES, help_text="ISO 3166-1 alpha-2")
    address = FreeTextField(max_length=500)
    national_id = NationalIdField(
        help_text="Letters and digits (at least 6), spaces and hyphens; only its last 4 are ever shown back."
    )


class KycProfileOutputSerializer(serializers.ModelSerializer):
    national_id_last4 = serializers.CharField(help_text="The last 4 characters of the national ID only.")

    class Meta:
        model = KycProfile
        fields = [
            "status",
            "level",
            "legal_name",
            "date_of_birth",
            "nationality",
            "residence_country",
            "address",
            "national_id_last4",
            "submitted_at",
            "decided_at",
            "reason",
        ]


class KycDocumentUploadSerializer(serializers.Serializer):
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    # An empty file is refused by its bytes (unsupported_file_type), like any other non-document.
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    issued_on = DateField(required=False, help_text="Required for proof_of_address; not in the future.")
    expires_on = DateField(required=False, help_text="Required for photo IDs; not in the past.")


class KycDocumentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = KycDocument
        fields = [
            "id",
            "document_type",
            "status",
            "content_type",
            "size",
            "sha256",
            "issued_on",
            "expires_on",
            "uploaded_at",
        ]


class KycSubmitInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=KycLevel.choices, default=KycLevel.BASIC)
