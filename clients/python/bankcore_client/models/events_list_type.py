from enum import StrEnum


class EventsListType(StrEnum):
    ACCOUNT_FROZEN = "account.frozen"
    ACCOUNT_OPENED = "account.opened"
    ACCOUNT_UNFROZEN = "account.unfrozen"
    DEPOSIT_POSTED = "deposit.posted"
    KYC_APPROVED = "kyc.approved"
    KYC_MORE_INFORMATION_NEEDED = "kyc.more_information_needed"
    KYC_REJECTED = "kyc.rejected"
    KYC_SUBMITTED = "kyc.submitted"
    TRANSFER_CREATED = "transfer.created"
    WIRE_CANCELLED = "wire.cancelled"
    WIRE_CREATED = "wire.created"
    WIRE_HELD = "wire.held"
    WIRE_REJECTED = "wire.rejected"
    WIRE_RELEASED = "wire.released"
    WIRE_SENT = "wire.sent"

    def __str__(self) -> str:
        return str(self.value)
