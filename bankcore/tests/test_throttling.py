"""Every throttle knows a client by the one address that the audit log records too."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string

from bankcore.api.throttling import ClientAddressScopedThrottle


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None:
                yield view_class


def test_every_api_throttle_identifies_clients_by_client_ip():
    throttles = {
        throttle
        for view_class in _views(get_resolver().url_patterns)
        for throttle in view_class.throttle_classes
    }
    throttles |= {import_string(path) for path in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES", [])}
    assert throttles, "the registration endpoint at least is throttled"
    for throttle in throttles:
        assert issubclass(throttle, ClientAddressScopedThrottle), throttle
    # DRF's own reading of X-Forwarded-For stays unconfigured, so nothing relies on it.
    assert "NUM_PROXIES" not in settings.REST_FRAMEWORK
