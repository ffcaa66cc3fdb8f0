"""bankcore's one exception family.

A domain error is an expected refusal: it carries a stable snake_case ``code``, the HTTP
status the API answers with, and a human ``detail``. The API's exception handler renders
them; they are never reported to Sentry.

Here are the base classes and the refusals any app may raise (not found, conflict, not
permitted, a dependency down…); each app keeps its own in its ``errors.py``
(``accounts.errors``, ``kyc.errors``).
"""


class DomainError(Exception):
    code = "error"
    status = 400
    detail = "The request could not be completed."

    def __init__(self, detail: str | None = None, *, extra: dict | None = None):
        if detail is not None:
            self.detail = detail
        self.extra = extra or {}
        super().__init__(self.detail)


class NotFound(DomainError):
    code = "not_found"
    status = 404
    detail = "Not found."


class InvalidCursor(DomainError):
    # Cursors are made by bankcore; one that does not decode was altered or made up, and names
    # no page: a 404, as for any other path to something that does not exist. Its opaque text
    # cannot be described by a schema, so a 400 would call a well-formed request malformed.
    code = "invalid_cursor"
    status = 404
    detail = "The cursor is not one this list issued. Start again from the first page."


class InvalidSetting(DomainError):
    code = "invalid_setting"
    status = 400
    detail = "The value does not fit this setting."


class Conflict(DomainError):
    code = "conflict"
    status = 409
    detail = "The request conflicts with the current state."


class BusinessRuleViolation(DomainError):
    code = "business_rule_violation"
    status = 422
    detail = "The request breaks a business rule."


class DependencyUnavailable(DomainError):
    code = "service_unavailable"
    status = 503
    detail = "A service bankcore depends on is unavailable. Try again shortly."


class DatabaseTimeout(DependencyUnavailable):
    # A lock wait or a statement ran out of time: nothing was written, a retry may pass.
    code = "database_timeout"
    detail = "The database was too busy to finish the request. Try again shortly."
    retry_after = 1


class NotPermitted(DomainError):
    # A member of staff tried something their role does not allow.
    code = "permission_denied"
    status = 403
    detail = "You do not have permission to do this."


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 400
    detail = "Give a reason."


class InvalidState(Conflict):
    code = "invalid_state"
    detail = "The object is not in a state this step starts from."
