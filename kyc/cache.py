"""The kyc app's cache family and the write that retires it. Nothing else spells its keys."""

from bankcore.cache import TTL, Slot, bump_on_commit

# Generation scope: one customer's KYC profile and documents.
KYC = "kyc"


def kyc_status(customer_id: int) -> Slot:
    """The customer's KYC status as the API answers it (``kycStatus(userId)``)."""
    return Slot("kyc-status", (customer_id,), ((KYC, customer_id),), TTL.MEDIUM)


def kyc_changed(customer_id: int) -> None:
    """Schedule, for after commit, the bump that retires the customer's cached KYC views."""
    bump_on_commit(KYC, customer_id)
