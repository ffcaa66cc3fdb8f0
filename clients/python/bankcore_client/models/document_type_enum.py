from enum import StrEnum


class DocumentTypeEnum(StrEnum):
    DRIVING_LICENCE = "driving_licence"
    NATIONAL_ID = "national_id"
    PASSPORT = "passport"
    PROOF_OF_ADDRESS = "proof_of_address"
    RESIDENCE_PERMIT = "residence_permit"
    SELFIE = "selfie"

    def __str__(self) -> str:
        return str(self.value)
