from django.http import HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bankcore import metrics as metrics_kernel
from bankcore.health import health_detail, health_report
from bankcore.staff import staff_verified


@never_cache
@require_GET
def health(request):
    status, body = health_report()
    # Signed-in staff (the admin's session, past the second factor) also see each app's
    # detail, such as audit events the sealer has not sealed in time; nobody else learns of it.
    if status == 200 and staff_verified(request.user):
        body["detail"] = health_detail()
    return JsonResponse(body, status=status)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics for the allowed addresses and the bearer secret; for anyone else
    the page does not exist."""
    if not metrics_kernel.access_allowed(request):
        return not_found(request)
    body, content_type = metrics_kernel.exposition()
    return HttpResponse(body, content_type=content_type)


# The back office (admin, silk) is read by people in a browser: its errors are pages.
BACK_OFFICE_PREFIXES = ("/admin/", "/silk/")


def _in_back_office(request) -> bool:
    return request.path.startswith(BACK_OFFICE_PREFIXES)


def not_found(request, exception=None):
    if _in_back_office(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def server_error(request):
    if _in_back_office(request):
        return defaults.server_error(request)
    return JsonResponse(
        {"code": "server_error", "detail": "Something went wrong on our side. It has been reported."},
        status=500,
    )


def bad_request(request, exception=None):
    if _in_back_office(request):
        return defaults.bad_request(request, exception)
    return JsonResponse({"code": "bad_request", "detail": "Bad request."}, status=400)


def permission_denied(request, exception=None):
    if _in_back_office(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse({"code": "permission_denied", "detail": "Permission denied."}, status=403)
