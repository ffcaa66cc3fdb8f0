"""Failure counting for throttles that neither fail open nor lock everyone out.

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

from bankcore.metrics import cache_failed

STORE_ERRORS = (RedisError, ConnectionInterrupted, OSError)

logger = logging.getLogger("bankcore.throttle")


@dataclass(frozen=True)
class Reservation:
    """One attempt, counted before it is checked.

    ``retry_after`` is None when the attempt may go ahead; ``earlier`` estimates the
    attempts the window held before this one. ``alias`` is the store that counted it, so
    a reservation is given back where it was taken.
    """

    key: str
    alias: str
    retry_after: int | None
    earlier: float

    @property
    def granted(self) -> bool:
        return self.retry_after is None

    def release(self) -> None:
        """Give the attempt back: it was refused unchecked, or it succeeded."""
        try:
            caches[self.alias].decr(self.key)
        except ValueError:
            pass  # the window has expired and forgotten it anyway
        except STORE_ERRORS as exc:
            cache_failed("throttle", cooldown=False)
            logger.warning("throttle store unavailable, reservation kept: %s", exc.__class__.__name__)


@dataclass(frozen=True)
class FailureTally:
    """The failures one identity had when an attempt began: one read, nothing reserved.

    ``retry_after`` is None when the attempt may go ahead. Failures counted later for this
    attempt (``FailureLimiter.count_failure``, ``recount``) are counted and judged in the
    windows of that later moment, never in the one the attempt began in: a burst begun just
    before a window turns must not count its failures where the next window cannot see them.
    """

    identity: str
    retry_after: int | None

    @property
    def granted(self) -> bool:
        return self.retry_after is None


@dataclass(frozen=True)
class FailureLimiter:
    """At most ``limit`` failures per ``window_seconds`` for one identity (sliding window).

    The sliding window is the usual two-bucket estimate: the previous fixed window's
    count, weighted by how much of it still overlaps, plus the current window's count.

    Two ways to count. ``reserve`` counts an attempt before it is checked (one atomic
    INCR), so parallel attempts cannot all slip under the limit before any of them is
    recorded; an attempt that turns out not to be a failure gives its reservation back
    (``Reservation.release``). It suits checks that are cheap to refuse up front (a login),
    and caps the attempts in flight at the limit.

    ``tally`` only reads the counts, and ``count_failure`` counts a failure once it has
    happened, deciding from its own INCR whether it is one too many; ``recount`` reads the
    count again before a success is given away. Attempts in flight hold nothing, so any
    number may run at once, and still at most ``limit`` of them are answered as failures.
    """

    scope: str
    limit: int
    window_seconds: int

    def reserve(self, identity: str) -> Reservation:
        """Count this attempt now; it is refused when the count goes above the limit.

        A refused reservation still counts until it is released.
        """
        now = time.time()
        window = int(now // self.window_seconds)
        previous_key, key = self._key(identity, window - 1), self._key(identity, window)

        def increment(cache):
            cache.add(key, 0, timeout=self.window_seconds * 2)
            return cache.incr(key), cache.get(previous_key, 0)

        alias, (current, previous) = self._call_counted(increment)
        earlier = previous * (1 - self._elapsed(now)) + current - 1
        return Reservation(key, alias, self._retry_after(now, previous, current - 1), earlier)

    def count_refusal(self, reservation: Reservation) -> int:
        """Count that ``reservation`` was refused; returns its window's refusals so far.

        Kept apart from the attempts: refused reservations are released, so the attempt
        count alone cannot tell the first refusal of a window from the thousandth.
        """
        key = f"{reservation.key}:refused"

        def increment(cache):
            cache.add(key, 0, timeout=self.window_seconds * 2)
            return cache.incr(key)

        return self._call(increment)

    def tally(self, identity: str) -> FailureTally:
        """The failures so far (one read of both windows); refused when they reach the limit."""
        now = time.time()
        previous_key, key = self._keys(identity, now)
        counts = self._call(lambda cache: cache.get_many([previous_key, key]))
        previous, current = counts.get(previous_key, 0), counts.get(key, 0)
        return FailureTally(identity=identity, retry_after=self._retry_after(now, previous, current))

    def recount(self, tally: FailureTally) -> int | None:
        """Seconds to wait if the failures counted by now reached the limit, else None."""
        now = time.time()
        previous_key, key = self._keys(tally.identity, now)
        counts = self._call(lambda cache: cache.get_many([previous_key, key]))
        return self._retry_after(now, counts.get(previous_key, 0), counts.get(key, 0))

    def count_failure(self, tally: FailureTally) -> int | None:
        """Count one failure of the attempt ``tally`` began, in the window it happens in;
        seconds to wait if it is over the limit, else None.

        The INCR decides: of any number of failures counted at once, only those it numbers
        within the limit (with the previous window's weight, read in the same call) are
        under it.
        """
        now = time.time()
        previous_key, key = self._keys(tally.identity, now)

        def increment(cache):
            cache.add(key, 0, timeout=self.window_seconds * 2)
            try:
                counted = cache.incr(key)
            except ValueError:  # the in-process fallback culled the key between add and incr
                cache.add(key, 0, timeout=self.window_seconds * 2)
                counted = cache.incr(key)
            return counted, cache.get(previous_key, 0)

        current, previous = self._call(increment)
        return self._retry_after(now, previous, current - 1)

    def _keys(self, identity: str, now: float) -> tuple[str, str]:
        """(the previous window's key, the current window's) at ``now``."""
        window = int(now // self.window_seconds)
        return self._key(identity, window - 1), self._key(identity, window)

    def _elapsed(self, now: float) -> float:
        return (now % self.window_seconds) / self.window_seconds

    def _retry_after(self, now: float, previous: int, current: int) -> int | None:
        elapsed = self._elapsed(now)
        if previous * (1 - elapsed) + current < self.limit:
            return None
        return max(1, math.ceil(self.window_seconds * (1 - elapsed)))

    def _key(self, identity: str, window: int) -> str:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"throttle:v1:{self.scope}:{digest}:{window}"

    def _call(self, operation):
        return self._call_counted(operation)[1]

    def _call_counted(self, operation) -> tuple[str, object]:
        """(the alias of the store that answered, the answer)."""
        try:
            return "throttle", operation(caches["throttle"])
        except STORE_ERRORS as exc:
            cache_failed("throttle", cooldown=False)
            logger.warning("throttle store unavailable, counting in-process: %s", exc.__class__.__name__)
            return "throttle_fallback", operation(caches["throttle_fallback"])
