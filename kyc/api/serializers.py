import datetime

import pycountry
from django.utils import timezone
from rest_framework import serializers

from bankcore.api.fields import FreeTextField
from kyc.models import PHOTO_ID_TYPES, DocumentType, KycDocument, KycLevel, KycProfile, KycStatus

COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


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


class KycProfileInputSerializer(serializers.Serializer):
    legal_name = FreeTextField(max_length=200)
    date_of_birth = serializers.DateField()
    nationality = serializers.ChoiceField(choices=COUNTRY_CODES, help_text="ISO 3166-1 alpha-2")
    residence_country = serializers.ChoiceField(choices=COUNTRY_CODES, help_text="ISO 3166-1 alpha-2")
    address = FreeTextField(max_length=500)
    national_id = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9 -]{2,38}[A-Za-z0-9]$",
        help_text="Letters and digits, spaces and hyphens; only its last 4 are ever shown back.",
    )

    def validate_date_of_birth(self, value: datetime.date) -> datetime.date:
        today = timezone.localdate()
        if value >= today or value.year < 1900:
            raise serializers.ValidationError("Give a date of birth in the past.", code="invalid_date")
        return value


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
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    issued_on = serializers.DateField(required=False, help_text="Required for proof_of_address.")
    expires_on = serializers.DateField(required=False, help_text="Required for photo IDs.")

    def validate(self, attrs):
        today = timezone.localdate()
        document_type = attrs["document_type"]
        if document_type in PHOTO_ID_TYPES and "expires_on" not in attrs:
            raise serializers.ValidationError(
                {"expires_on": ["A photo ID needs its expiry date."]}, code="required"
            )
        if document_type == DocumentType.PROOF_OF_ADDRESS and "issued_on" not in attrs:
            raise serializers.ValidationError(
                {"issued_on": ["A proof of address needs its issue date."]}, code="required"
            )
        if attrs.get("issued_on") and attrs["issued_on"] > today:
            raise serializers.ValidationError(
                {"issued_on": ["It cannot be issued in the future."]}, code="invalid_date"
            )
        if attrs.get("expires_on") and attrs["expires_on"] < today:
            raise serializers.ValidationError(
                {"expires_on": ["The document has expired."]}, code="invalid_date"
            )
        return attrs


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
