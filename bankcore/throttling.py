"""Failure counting for login throttling that neither fails open nor locks everyone out.

Counts live in the "throttle" cache (Redis in production), whose errors are not
swallowed. When it fails, counting carries on in the process-local "throttle_fallback"
cache: limits then hold per process instead of across the fleet — looser, never gone —
and nobody is refused for the outage itself.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

STORE_ERRORS = (RedisError, ConnectionInterrupted, OSError)

logger = logging.getLogger("bankcore.throttle")


@dataclass(frozen=True)
class FailureLimiter:
    """At most ``limit`` failures per ``window_seconds`` for one identity (sliding window).

    The sliding window is the usual two-bucket estimate: the previous fixed window's
    count, weighted by how much of it still overlaps, plus the current window's count.
    """

    scope: str
    limit: int
    window_seconds: int

    def retry_after(self, identity: str) -> int | None:
        """Seconds until another attempt is allowed, or None when it is allowed now."""
        now = time.time()
        window = int(now // self.window_seconds)
        keys = [self._key(identity, window - 1), self._key(identity, window)]
        counts = self._call(lambda cache: cache.get_many(keys))
        previous, current = counts.get(keys[0], 0), counts.get(keys[1], 0)
        elapsed = (now % self.window_seconds) / self.window_seconds
        if previous * (1 - elapsed) + current < self.limit:
            return None
        return max(1, math.ceil(self.window_seconds * (1 - elapsed)))

    def record_failure(self, identity: str) -> None:
        key = self._key(identity, int(time.time() // self.window_seconds))

        def increment(cache):
            cache.add(key, 0, timeout=self.window_seconds * 2)
            cache.incr(key)

        self._call(increment)

    def _key(self, identity: str, window: int) -> str:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"throttle:v1:{self.scope}:{digest}:{window}"

    def _call(self, operation):
        try:
            return operation(caches["throttle"])
        except STORE_ERRORS as exc:
            logger.warning("throttle store unavailable, counting in-process: %s", exc.__class__.__name__)
            return operation(caches["throttle_fallback"])
