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
    "generations_bump",
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


# INCR each generation counter that exists and start each missing one at ARGV[1] (with its
# expiry in seconds, or none for 0), all in one round trip.
_GENERATIONS_BUMP = """
for index, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('INCR', key)
  elseif ARGV[index + 1] == '0' then
    redis.call('SET', key, ARGV[1])
  else
    redis.call('SET', key, ARGV[1], 'EX', ARGV[index + 1])
  end
end
return #KEYS
"""


class GenerationsRedisCache(RedisCache):
    def generations_bump(self, timeouts: dict[str, int | None], *, fresh: int) -> bool:
        """Bump every generation counter in ``timeouts`` (key: expiry of a new counter) at
        once: an existing one goes up by one, a missing one starts at ``fresh``."""
        client = self.client.get_client(write=True)
        keys = [str(self.client.make_key(key)) for key in timeouts]
        # Plain ints: redis' encoder refuses int subclasses such as the TTL constants.
        expiries = [int(timeout or 0) for timeout in timeouts.values()]
        client.eval(_GENERATIONS_BUMP, len(keys), *keys, int(fresh), *expiries)
        return True


class GenerationsLocMemCache(LocMemCache):
    def generations_bump(self, timeouts: dict[str, int | None], *, fresh: int) -> bool:
        """``GenerationsRedisCache.generations_bump`` in this process's memory."""
        for key, timeout in timeouts.items():
            try:
                self.incr(key)
            except ValueError:
                self.add(key, fresh, timeout=timeout)
        return True


TimedRedisCache = timed(GenerationsRedisCache)
TimedLocMemCache = timed(GenerationsLocMemCache)


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
    "generations_bump": lambda args, kwargs: False,
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
