from enum import StrEnum


class WireTransfersListStatus(StrEnum):
    APPROVED = "approved"
    CANCELLED = "cancelled"
    PENDING_REVIEW = "pending_review"
    REJECTED = "rejected"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
