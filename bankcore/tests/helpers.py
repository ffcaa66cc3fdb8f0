import socket

from django.conf import settings


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_caches_at(url: str, *, timeout: float = 0.5) -> dict:
    """CACHES as production builds them for REDIS_URL, pointed at ``url``."""
    options = {"SOCKET_CONNECT_TIMEOUT": timeout, "SOCKET_TIMEOUT": timeout}
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "bankcore.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
        "throttle": {
            "BACKEND": "bankcore.cache_backends.TimedRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
    }
