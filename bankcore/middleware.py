import time

import sentry_sdk
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django_otp import middleware as otp_middleware
from rest_framework import HTTP_HEADER_ENCODING

from bankcore.cache import begin_request_generations, end_request_generations
from bankcore.metrics import request_observe
from bankcore.observability import (
    REQUEST_ID_HEADER,
    REQUEST_ID_META,
    RequestContext,
    begin_request,
    client_ip,
    client_request_id_from,
    current_timings,
    end_request,
    new_request_id,
    server_timing,
)


class RequestContextMiddleware:
    """Outermost middleware: request id, client address, the Server-Timing header and the
    request's metrics (see bankcore.metrics).

    The request id is always the server's own, generated here: it is returned in
    X-Request-ID on every response, stamped on every log line and audit event, and tagged
    in Sentry. A caller's X-Request-ID, when safe to log, is kept beside it (audit events
    and Sentry), never in its place: a caller could otherwise reuse one id for many requests.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        # The serving thread's own CPU time: a request runs on one thread from here to its
        # response, so the difference is this request's, whatever the other threads do.
        cpu_start = time.thread_time()
        context = RequestContext(
            request_id=new_request_id(),
            ip=client_ip(request.META),
            # From META, not request.headers, which would build a dict of every header.
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
            client_request_id=client_request_id_from(request.META.get(REQUEST_ID_META)),
        )
        request.request_id = context.request_id
        tokens = begin_request(context)
        generations_token = begin_request_generations()
        try:
            sentry_sdk.set_tag("request_id", context.request_id)
            if context.client_request_id:
                sentry_sdk.set_tag("client_request_id", context.client_request_id)
            response = self.get_response(request)
            timings = current_timings()
            total_seconds = time.perf_counter() - start
            cpu_seconds = time.thread_time() - cpu_start
            request_observe(request, response.status_code, total_seconds, cpu_seconds, timings)
            response[REQUEST_ID_HEADER] = context.request_id
            response["Server-Timing"] = server_timing(timings, total_seconds * 1000, cpu_seconds * 1000)
            return response
        finally:
            end_request_generations(generations_token)
            end_request(tokens)


def authorization_header(request) -> bytes:
    """The Authorization header as DRF's ``get_authorization_header`` gives it (bytes, however
    the server gave it), read from ``META``: DRF's reads ``request.headers``, which first
    builds a dict of every header the client sent (~4% of a cached read's CPU)."""
    value = request.META.get("HTTP_AUTHORIZATION", b"")
    return value.encode(HTTP_HEADER_ENCODING) if isinstance(value, str) else value


def _authenticates_itself(request) -> bool:
    """An API request that carries its own credentials (a bearer token), not a cookie.

    Only the bearer scheme, split as knox splits it: a request whose Authorization header
    is anything else (a proxy's Basic credentials, an empty value) is one DRF's bearer
    authentication passes over, and a session-authenticated endpoint (/api/ops/cache-stats)
    must still find the session's user and its second factor on it."""
    if not request.path_info.startswith("/api/"):
        return False
    # As DRF reads the header and knox splits it.
    words = authorization_header(request).split(None, 1)
    return bool(words) and words[0].lower() == b"bearer"


class _BrowserOnly:
    """Skips the middleware it is mixed into for an API request with a bearer token: DRF's
    bearer authentication sets that request's user, and it never reads a message. Every
    other request (the back office, a login, /health, a staff member's session-authenticated
    API call) runs it as before."""

    def __call__(self, request):
        if _authenticates_itself(request):
            return self.get_response(request)
        return super().__call__(request)


class AuthenticationMiddleware(_BrowserOnly, auth_middleware.AuthenticationMiddleware):
    pass


class OTPMiddleware(_BrowserOnly, otp_middleware.OTPMiddleware):
    pass


class MessageMiddleware(_BrowserOnly, messages_middleware.MessageMiddleware):
    pass
