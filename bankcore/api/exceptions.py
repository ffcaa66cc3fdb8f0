"""The one DRF exception handler: every error is JSON with ``code`` and ``detail``."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from bankcore.errors import DatabaseTimeout, DependencyUnavailable, DomainError

logger = logging.getLogger("bankcore.api")

STATUS_CODES = {
    status.HTTP_400_BAD_REQUEST: "bad_request",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def flatten_field_errors(detail, prefix: str = "") -> dict[str, list[dict]]:
    """Turn DRF's nested error detail into {"field.path": [{"code", "detail"}]}."""
    fields: dict[str, list[dict]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            fields.update(flatten_field_errors(value, path))
    elif isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            fields[prefix or "non_field_errors"] = [
                {"code": item.code, "detail": str(item)} for item in detail
            ]
        else:
            for index, item in enumerate(detail):
                path = f"{prefix}.{index}" if prefix else str(index)
                fields.update(flatten_field_errors(item, path))
    else:
        fields[prefix or "non_field_errors"] = [
            {"code": getattr(detail, "code", "invalid"), "detail": str(detail)}
        ]
    return fields


def error_body(code: str, detail: str, **extra) -> dict:
    return {"code": code, "detail": detail, **extra}


def exception_handler(exc, context):
    """Render expected errors; return None for the unexpected so Django reports them."""
    if isinstance(exc, DatabaseError) and _is_timeout(exc):
        logger.warning("database timeout: %s", exc.__cause__.__class__.__name__)
        exc = DatabaseTimeout()

    if isinstance(exc, DomainError):
        set_rollback()
        response = Response(error_body(exc.code, exc.detail, **exc.extra), status=exc.status)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        if exc.status == status.HTTP_401_UNAUTHORIZED:
            response["WWW-Authenticate"] = "Bearer"
        return response

    if isinstance(exc, DatabaseError) and _is_connection_failure(exc):
        logger.error("database unavailable: %s", exc.__class__.__name__)
        set_rollback()
        unavailable = DependencyUnavailable()
        return Response(error_body(unavailable.code, unavailable.detail), status=unavailable.status)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "validation_error",
            "The request has invalid fields.",
            fields=flatten_field_errors(exc.detail),
        )
    else:
        code = exc.get_codes() if isinstance(exc.detail, str) else exc.default_code
        if not isinstance(code, str) or code in {"error", "invalid"}:
            code = STATUS_CODES.get(exc.status_code, exc.default_code)
        body = error_body(code, str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


# PostgreSQL's lock_not_available (lock_timeout) and query_canceled (statement_timeout).
TIMEOUT_SQLSTATES = {"55P03", "57014"}


def _is_timeout(exc: DatabaseError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in TIMEOUT_SQLSTATES


def _is_connection_failure(exc: DatabaseError) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))
