from enum import StrEnum


class KycStatusEnum(StrEnum):
    APPROVED = "approved"
    NEEDS_MORE_INFO = "needs_more_info"
    NOT_STARTED = "not_started"
    PENDING_REVIEW = "pending_review"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
