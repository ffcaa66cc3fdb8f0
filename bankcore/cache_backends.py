"""Cache backends: timed for Server-Timing, and a Redis one that fails fast and safe.

``TimedRedisCache`` raises Redis errors (login throttling needs to see them).
``ResilientRedisCache`` turns them into misses and, after a failure, stops calling Redis for
CACHE_FAILURE_COOLDOWN_SECONDS: a Redis that hangs costs one socket timeout per process per
cooldown instead of one per cache call. Failures are logged by ``bankcore.cache``, whose
filter lets one line through per interval.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from bankcore.metrics import cache_failed
from bankcore.observability import add_cache_time

logger = logging.getLogger("bankcore.cache")
_depth: ContextVar[int] = ContextVar("bankcore_cache_depth", default=0)
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)

TIMED_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "get_or_set",
    "has_key",
    "incr",
    "decr",
    "clear",
)


def _timed(method):
    def wrapper(self, *args, **kwargs):
        depth = _depth.get()
        token = _depth.set(depth + 1)
        start = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            _depth.reset(token)
            if depth == 0:
                add_cache_time((time.perf_counter() - start) * 1000)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


def timed(backend_class):
    namespace = {name: _timed(getattr(backend_class, name)) for name in TIMED_METHODS}
    return type(f"Timed{backend_class.__name__}", (backend_class,), namespace)


TimedRedisCache = timed(RedisCache)
TimedLocMemCache = timed(LocMemCache)


def _default_of_get(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _default_of_get_or_set(args, kwargs):
    default = kwargs.get("default", args[1] if len(args) > 1 else None)
    return default() if callable(default) else default


# What each call answers while Redis is unavailable: what a cache that holds nothing would.
FALLBACKS = {
    "get": _default_of_get,
    "get_or_set": _default_of_get_or_set,
    "get_many": lambda args, kwargs: {},
    "add": lambda args, kwargs: False,
    "set": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "has_key": lambda args, kwargs: False,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
    "delete_many": lambda args, kwargs: None,
    "incr": lambda args, kwargs: None,
    "decr": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}


def _resilient(name, method):
    fallback = FALLBACKS[name]

    def wrapper(self, *args, **kwargs):
        if time.monotonic() < self._unavailable_until:
            return fallback(args, kwargs)
        try:
            return method(self, *args, **kwargs)
        except CACHE_ERRORS as exc:
            cooldown = settings.CACHE_FAILURE_COOLDOWN_SECONDS
            self._unavailable_until = time.monotonic() + cooldown
            cache_failed("default", cooldown=True)
            logger.warning(
                "cache unavailable (%s: %s); reading the database for %s s",
                exc.__class__.__name__,
                exc,
                cooldown,
            )
            return fallback(args, kwargs)

    wrapper.__name__ = method.__name__
    return wrapper


class ResilientRedisCache(TimedRedisCache):
    _unavailable_until = 0.0


for _name in FALLBACKS:
    setattr(ResilientRedisCache, _name, _resilient(_name, getattr(TimedRedisCache, _name)))
