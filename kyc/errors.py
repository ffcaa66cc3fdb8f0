"""KYC's refusals, in bankcore's one exception family (rendered by the API's handler)."""

from bankcore.errors import BusinessRuleViolation, Conflict, DomainError, NotPermitted


class FileTooLarge(DomainError):
    code = "file_too_large"
    status = 413
    detail = "The file is larger than a KYC document may be."


class UnsupportedFileType(BusinessRuleViolation):
    # Decided from the bytes alone: the name and the declared content type are never trusted.
    code = "unsupported_file_type"
    detail = "Send a PDF, JPEG or PNG file."


class FileUnreadable(BusinessRuleViolation):
    code = "file_unreadable"
    detail = "The file is damaged or incomplete and cannot be read."


class FileActiveContent(BusinessRuleViolation):
    code = "file_active_content"
    detail = "PDF files with scripts, actions, media, or embedded or referenced files are not accepted."


class ImageTooLarge(BusinessRuleViolation):
    code = "image_too_large"
    detail = "The image has more pixels, or would take more memory to read, than a KYC document may."


class ImageDecodingBusy(DomainError):
    # The process already decodes as many images as its memory allows; a retry soon passes.
    code = "image_decoding_busy"
    status = 503
    detail = "Too many images are being checked at once. Try again shortly."
    retry_after = 2


class DuplicateDocument(Conflict):
    code = "duplicate_document"
    detail = "This file was already uploaded."


class KycDocumentsMissing(BusinessRuleViolation):
    code = "kyc_documents_missing"
    detail = "Documents the level needs are missing."


class KycDocumentLimitReached(BusinessRuleViolation):
    code = "kyc_document_limit_reached"
    detail = "The customer already keeps the most documents allowed."


class KycProfileIncomplete(BusinessRuleViolation):
    code = "kyc_profile_incomplete"
    detail = "Fill in the profile before submitting."


class KycNotEditable(Conflict):
    # Under review or decided: what the reviewer sees must not change under them.
    code = "kyc_not_editable"
    detail = "The KYC profile cannot change in its current state."


class KycTransitionRefused(Conflict):
    code = "kyc_transition_refused"
    detail = "The KYC profile is not in a state this step starts from."


class ReviewOwnProfile(NotPermitted):
    code = "kyc_review_own_profile"
    detail = "Nobody reviews their own KYC profile."


class DocumentDatesInvalid(BusinessRuleViolation):
    code = "document_dates_invalid"
    detail = (
        "A photo ID needs its expiry date, not past; a proof of address its issue date, not in the future."
    )


class DateOfBirthInvalid(BusinessRuleViolation):
    code = "date_of_birth_invalid"
    detail = "Give a date of birth in the past, from 1900 on."


class LegalNameMixedScript(BusinessRuleViolation):
    # A rule no schema can state: well formed, refused by policy, like a weak password.
    code = "legal_name_mixed_script"
    detail = "Each word of the name must keep to one alphabet: a mix can pass for another name."


class KycRequired(DomainError):
    code = "kyc_required"
    status = 403
    detail = "Approved KYC is required to send a wire."


# ---- Sanctions screening ----------------------------------------------------------------------


class SanctionsFileInvalid(DomainError):
    code = "sanctions_file_invalid"
    status = 400
    detail = "The file is not in the OFAC SDN CSV format."


class ScreeningUnresolved(Conflict):
    code = "screening_unresolved"
    detail = "The profile matched the sanctions list: clear each match before approving."


class SanctionsMatchConfirmed(Conflict):
    code = "sanctions_match_confirmed"
    detail = "The customer was confirmed as a listed party and cannot be approved."


class ScreeningMatchDecided(Conflict):
    code = "screening_match_decided"
    detail = "The match was already decided."
