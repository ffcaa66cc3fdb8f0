from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bankcore.health import health_report


@never_cache
@require_GET
def health(request):
    status, body = health_report()
    return JsonResponse(body, status=status)


def not_found(request, exception=None):
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def server_error(request):
    return JsonResponse(
        {"code": "server_error", "detail": "Something went wrong on our side. It has been reported."},
        status=500,
    )


def bad_request(request, exception=None):
    return JsonResponse({"code": "bad_request", "detail": "Bad request."}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse({"code": "permission_denied", "detail": "Permission denied."}, status=403)
