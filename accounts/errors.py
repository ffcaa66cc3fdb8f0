"""The accounts app's refusals (sign-in, bank accounts and the ledger, deposits and four-eyes
approvals), in bankcore's one exception family (rendered by the API's handler)."""

from bankcore.errors import BusinessRuleViolation, Conflict, DomainError, NotPermitted

# ---- Sign-in, sessions and passwords ----------------------------------------------------------


class SessionEnded(DomainError):
    # The same answer as any other dead token, found inside a money-moving transaction.
    code = "authentication_failed"
    status = 401
    detail = "Invalid or expired token."


class InvalidCredentials(DomainError):
    # One message for an unknown email and a wrong password, so neither is revealed.
    code = "invalid_credentials"
    status = 400
    detail = "Email or password is incorrect."


class SecondFactorIncorrect(DomainError):
    # The back office's second step: the code from the authenticator app or a recovery code.
    code = "invalid_second_factor"
    status = 400
    detail = "The code is incorrect or was already used."


class LoginThrottled(DomainError):
    code = "throttled"
    status = 429
    detail = "Too many failed login attempts. Try again later."

    def __init__(self, retry_after: int):
        super().__init__(extra={"retry_after": retry_after})
        self.retry_after = retry_after


class PasswordChangeThrottled(LoginThrottled):
    detail = "Too many wrong current passwords. Try again later."


class PasswordTooWeak(BusinessRuleViolation):
    # Well formed, but refused by the password policy (length, similarity, common passwords),
    # which no schema can state: a rule of bankcore's, like any other 422.
    code = "password_too_weak"
    detail = "The password does not meet the password policy."

    def __init__(self, *, field: str, messages: list[str]):
        super().__init__(
            extra={"fields": {field: [{"code": self.code, "detail": message} for message in messages]}}
        )


class EmailTaken(Conflict):
    code = "email_taken"
    detail = "An account with this email already exists."


class PasswordIncorrect(DomainError):
    code = "password_incorrect"
    status = 400
    detail = "The current password is incorrect."


# ---- Bank accounts and the ledger -------------------------------------------------------------


class InsufficientFunds(BusinessRuleViolation):
    code = "insufficient_funds"
    detail = "The account does not have enough funds."


class AccountNotActive(BusinessRuleViolation):
    code = "account_not_active"
    detail = "The account is frozen or closed."

    def __init__(self, detail: str | None = None, *, account_id: int | None = None):
        super().__init__(detail)
        self.account_id = account_id


class CurrencyMismatch(BusinessRuleViolation):
    code = "currency_mismatch"
    detail = "The currencies of the amount and the accounts must match."


class AccountLimitReached(BusinessRuleViolation):
    code = "account_limit_reached"
    detail = "The customer already has the most accounts allowed."


# ---- Deposits and four-eyes approvals ---------------------------------------------------------


class FormAlreadySubmitted(Conflict):
    code = "form_already_submitted"
    detail = "This form was already submitted; nothing was done again. Open the page anew."


class DepositNotAllowed(BusinessRuleViolation):
    code = "deposit_not_allowed"
    detail = "Deposits go only to customer accounts, never to staff or one's own."


class DepositLimitExceeded(BusinessRuleViolation):
    code = "deposit_limit_exceeded"
    detail = "The deposit is above what this member of staff may deposit today."


class ApprovalAlreadyDecided(Conflict):
    code = "approval_already_decided"
    detail = "This request was already approved, rejected or withdrawn."


class ApprovalByRequester(NotPermitted):
    code = "approval_by_requester"
    detail = "A second, different member of staff must decide this: not the one who asked."
