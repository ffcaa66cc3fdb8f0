"""The transfers app's refusals: transfers, Idempotency-Keys, wires, their limits and review.

Each is a DomainError of the kernel's family, with a stable ``code`` and HTTP status that
the API's clients rely on; the exception handler renders them all alike.
"""

from accounts.errors import ApprovalByRequester
from bankcore.errors import BusinessRuleViolation, Conflict, DomainError, NotPermitted

# ---- Internal transfers ----------------------------------------------------------------------


class SameAccount(BusinessRuleViolation):
    code = "same_account"
    detail = "The source and destination accounts are the same."


class DestinationUnavailable(BusinessRuleViolation):
    # One answer for every problem with a destination (unknown, not a customer's, another
    # currency, frozen, closed), so that a refusal reveals nothing about other customers.
    code = "destination_unavailable"
    detail = "This account number cannot receive the transfer."


class TransfersThrottled(DomainError):
    code = "throttled"
    status = 429
    detail = "Too many refused transfers. Try again later."

    def __init__(self, retry_after: int):
        super().__init__(extra={"retry_after": retry_after})
        self.retry_after = retry_after


# ---- Idempotency-Key -------------------------------------------------------------------------


class IdempotencyKeyReused(BusinessRuleViolation):
    code = "idempotency_key_reused"
    detail = "This Idempotency-Key was already used with a different request."


class IdempotencyKeyInProgress(Conflict):
    code = "idempotency_request_in_progress"
    detail = "The first request with this Idempotency-Key is still running. Retry shortly."


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    status = 400
    detail = "Send an Idempotency-Key header of 1 to 255 printable characters."


# ---- Wires -----------------------------------------------------------------------------------


class LimitExceeded(BusinessRuleViolation):
    # The body names the limit, what is used of it and what remains (decimal strings for
    # amounts, whole numbers for counts), so a client can say what still fits.
    code = "limit_exceeded"
    detail = "The wire is above what this account may still send."


class WireOwnAccount(NotPermitted):
    code = "wire_own_account"
    detail = "Nobody decides a wire from their own account."


class WireSecondApproverRequired(ApprovalByRequester):
    # The four-eyes refusal of accounts' approvals, told in a wire's words.
    detail = "This wire needs a second, different member of staff to approve it."


class WireLimitsOwnAccount(NotPermitted):
    code = "wire_limits_own_account"
    detail = "Nobody sets the wire limits of their own account."


class WireLimitsStaffAccount(NotPermitted):
    code = "wire_limits_staff_account"
    detail = "Nobody sets the wire limits of a member of staff's account."


class WireLimitsAboveCeiling(BusinessRuleViolation):
    code = "wire_limits_above_ceiling"
    detail = "The limit is above the highest any account may be given."
