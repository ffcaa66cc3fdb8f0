"""Cache backends that add their time to the request's Server-Timing.

The mixin wraps the public cache API once; a call that the backend makes to itself
(get_or_set calls get and add) is counted once, by the outermost call.
"""

import time
from contextvars import ContextVar

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache

from bankcore.observability import add_cache_time

_depth: ContextVar[int] = ContextVar("bankcore_cache_depth", default=0)

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
