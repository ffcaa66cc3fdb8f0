"""The OpenAPI schema says what the API does, errors included.

Each operation lists, beside its 2xx, the error statuses its view can produce, all with the
one ``Error`` body the exception handler renders. They are derived from the view itself:
its authentication and permission classes, whether the path names an object, whether it
takes a body or query parameters, its throttles; what only the code can know (a transfer's
409 and 422, a login's 429) the view method declares with ``@error_statuses``.
"""

import inspect

from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from bankcore.api.fields import MAX_COMBINING_MARKS, FreeTextField, free_text_pattern
from bankcore.money import CURRENCIES, amount_pattern

ERROR_DESCRIPTIONS = {
    400: "The request is malformed or has invalid fields (`validation_error` lists them in `fields`).",
    401: "No valid bearer token: it is missing, unknown, expired or ended (`not_authenticated`, "
    "`authentication_failed`).",
    403: "The signed-in user may not do this (`permission_denied`).",
    404: "No such object, or it belongs to another customer (`not_found`).",
    409: "The request conflicts with the current state (`email_taken`, `idempotency_request_in_progress`, "
    "`duplicate_document`, `kyc_not_editable`, …).",
    413: "The uploaded file is larger than allowed (`file_too_large`); nothing was stored.",
    414: "The URL is longer than gunicorn reads (limit_request_line); answered before bankcore, "
    "without a JSON body.",
    415: "The body is not JSON (`unsupported_media_type`).",
    422: "Well formed, but a business rule refuses it (`insufficient_funds`, `account_limit_reached`, …).",
    429: "Too many requests (`throttled`): wait for `Retry-After` seconds.",
    503: "A service bankcore depends on is down or too busy (`service_unavailable`, `database_timeout`, "
    "`image_decoding_busy`): nothing was written; retry shortly, after `Retry-After` seconds when given.",
}


# Answered by gunicorn itself, as a plain page.
FRONT_SERVER_STATUSES = {414}
FREE_TEXT_MARKS_RULE = (
    f"At most {MAX_COMBINING_MARKS} combining marks on one character (400 too_many_combining_marks). "
    "Above U+FFFF, which the pattern's dialect cannot name, the same characters are refused: "
    "private-use, unassigned and ignorable ones (400 invalid_character)."
)


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        "description": 'One entry per invalid field, by its path ("amount", "items.0.name").',
    }
)
class FieldErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (bankcore.api.exceptions)."""

    code = serializers.CharField(help_text="Stable snake_case error code.")
    detail = serializers.CharField(help_text="Human-readable explanation.")
    fields = FieldErrorsField(required=False)
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait before retrying (429 from the login limiter)."
    )


RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again.",
    }
}


def currency_amount_one_of() -> list[dict]:
    """The ``oneOf`` of a request body with a ``currency`` and an ``amount``: each currency
    paired with its own amount pattern, so what the schema calls valid is what the API
    accepts (how many decimals an amount may have is its currency's)."""
    # The currency is pinned by a pattern: an enum here would be merged into the shared
    # currency enum component by the schema's enum postprocessing.
    return [
        {"properties": {"currency": {"pattern": f"^{code}$"}, "amount": {"pattern": amount_pattern(code)}}}
        for code in CURRENCIES
    ]


def error_statuses(*statuses: int):
    """Declare error statuses a view method answers that its view's classes cannot tell."""

    def declare(method):
        method.error_statuses = frozenset(statuses)
        return method

    return declare


class BankcoreAutoSchema(AutoSchema):
    def get_description(self):
        """An operation is described by its action's docstring or by its viewset's own, never
        by a base class's or a mixin's (drf-spectacular's default walks the class's bases):
        those document bankcore's code to its developers, not the API to its clients."""
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        own = type(self.view).__dict__.get("__doc__")
        return get_doc(action) or (inspect.cleandoc(own) if own else "")

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            # django-filter and DRF's pagination read an empty query value as no value at all;
            # a required parameter needs a value.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # DRF refuses NUL in every CharField; say so unless the field states its own rule. A blank
        # value, where allowed, is the empty alternative drf-spectacular adds beside a pattern.
        refuses_nul = any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators)
        stated = {"pattern", "format", "enum"} & set(schema)
        if direction == "request" and isinstance(field, FreeTextField):
            schema["pattern"] = free_text_pattern()
            # The rule a pattern over the Basic Multilingual Plane cannot state in full, named
            # for the generators that know it.
            schema["format"] = "free-text"
            # What a pattern over single characters cannot say.
            schema["description"] = " ".join(filter(None, [schema.get("description"), FREE_TEXT_MARKS_RULE]))
        elif direction == "request" and refuses_nul and schema.get("type") == "string" and not stated:
            schema["pattern"] = "^[^\\x00]+$"
        return schema

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        # Error bodies are shared components; FieldError is reached only through a raw $ref.
        self.resolve_serializer(FieldErrorSerializer, "response")
        responses = operation["responses"]
        for status_code in sorted(self._error_statuses(operation)):
            if status_code in FRONT_SERVER_STATUSES:
                responses.setdefault(str(status_code), {"description": ERROR_DESCRIPTIONS[status_code]})
                continue
            response = self._get_response_for_code(ErrorSerializer, str(status_code))
            response["description"] = ERROR_DESCRIPTIONS[status_code]
            if status_code in (429, 503):
                response["headers"] = dict(RETRY_AFTER_HEADER)
            responses.setdefault(str(status_code), response)
        return operation

    def _error_statuses(self, operation) -> set[int]:
        # Any operation may meet a database outage.
        statuses = {503}
        parameters = operation.get("parameters", [])
        if "requestBody" in operation:
            statuses |= {400, 415}
        if any(parameter["in"] in {"query", "header"} for parameter in parameters):
            statuses.add(400)
        if any(parameter["in"] == "query" for parameter in parameters):
            statuses.add(414)
        if any(parameter["in"] == "path" for parameter in parameters):
            statuses.add(404)
        if any(parameter["in"] == "query" and parameter["name"] == "cursor" for parameter in parameters):
            statuses.add(404)  # a cursor the list did not issue (invalid_cursor)
        permissions = self.view.get_permissions()
        if self.view.get_authenticators() and not all(isinstance(p, AllowAny) for p in permissions):
            statuses.add(401)
            if any(not isinstance(p, (AllowAny, IsAuthenticated)) for p in permissions):
                statuses.add(403)
        if self.view.get_throttles():
            statuses.add(429)
        handler = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        statuses |= getattr(handler, "error_statuses", frozenset())
        return statuses
