import time

import sentry_sdk

from bankcore.cache import begin_request_generations, end_request_generations
from bankcore.metrics import request_observe
from bankcore.observability import (
    REQUEST_ID_HEADER,
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
            user_agent=request.headers.get("User-Agent", "")[:512],
            client_request_id=client_request_id_from(request.headers.get(REQUEST_ID_HEADER)),
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
