"""bankcore's cache kernel: versioned keys, generation counters, hit and miss counts.

Every key carries SCHEMA_VERSION (bump it to retire every old layout at deploy) and, for
data that changes, the current *generation* of the object it describes. A write bumps the
generation with an atomic INCR after its transaction commits, so a value cached from before
the write sits under a key nobody will read again. That also defuses the classic race: a
reader that missed, read the old row, and sets it after the writer committed and bumped,
sets it under the old generation.

A missing counter (evicted, or Redis restarted) starts at the current time in nanoseconds:
a generation never used before, so nothing cached earlier can come back. If a bump fails
(Redis unreachable), the process remembers it and bumps the global epoch, which is part of
every generation, at its next successful cache call; TTLs bound what is left.

Only app ``cache.py`` modules spell keys, through ``key()``.
"""

import logging
import threading
import time
from collections import Counter
from enum import IntEnum
from functools import partial

from django.core.cache import caches
from django.db import transaction

logger = logging.getLogger("bankcore.cache")

SCHEMA_VERSION = 1
MISSING = object()
_NOT_FOUND = "__bankcore_not_found__"
EPOCH = ("epoch", 0)


class TTL(IntEnum):
    SHORT = 30
    MEDIUM = 5 * 60
    LONG = 30 * 60
    HOUR = 60 * 60
    DAY = 24 * 60 * 60


def cache():
    return caches["default"]


def key(family: str, *parts) -> str:
    return ":".join(["bc", f"v{SCHEMA_VERSION}", family, *(str(part) for part in parts)])


def _generation_key(scope: str, object_id) -> str:
    return key("gen", scope, object_id)


_epoch_bump_pending = threading.Event()


def generations(*scopes: tuple[str, object]) -> tuple:
    """The current generation of each (scope, id), prefixed by the epoch: one round trip."""
    backend = cache()
    if _epoch_bump_pending.is_set():
        try:
            bumped = backend.incr(_generation_key(*EPOCH))
        except ValueError:  # no epoch at all: the cache lost every key, nothing stale is left
            bumped = True
        if bumped is not None:
            _epoch_bump_pending.clear()
    keys = [_generation_key(*EPOCH)] + [_generation_key(scope, object_id) for scope, object_id in scopes]
    found = backend.get_many(keys)
    values = []
    for generation_key in keys:
        value = found.get(generation_key)
        if value is None:
            fresh = time.time_ns()
            value = (
                fresh
                if backend.add(generation_key, fresh, timeout=None)
                else backend.get(generation_key, fresh)
            )
        values.append(value)
    return tuple(values)


def _bump(scope: str, object_id) -> None:
    backend = cache()
    generation_key = _generation_key(scope, object_id)
    try:
        bumped = backend.incr(generation_key)
    except ValueError:  # no counter yet: readers will start one from a fresh value
        bumped = backend.add(generation_key, time.time_ns(), timeout=None) or True
    if bumped is None:  # the backend swallowed an outage
        logger.warning("cache generation bump failed; the epoch will be bumped on recovery")
        _epoch_bump_pending.set()


def bump_on_commit(scope: str, object_id) -> None:
    """After the current transaction commits, make every value of (scope, id) unreachable."""
    transaction.on_commit(partial(_bump, scope, object_id))


class _Stats:
    """Hits and misses per key family: counted in-process, added to the cache every few seconds."""

    FLUSH_EVERY = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._last_flush = time.monotonic()

    def record(self, family: str, outcome: str) -> None:
        with self._lock:
            self._counts[(family, outcome)] += 1
            due = time.monotonic() - self._last_flush > self.FLUSH_EVERY
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._last_flush = time.monotonic()
        if not counts:
            return
        backend = cache()
        for (family, outcome), count in counts.items():
            stat_key = key("stats", family, outcome)
            backend.add(stat_key, 0, timeout=None)
            backend.incr(stat_key, count)
        families_key = key("stats", "families")
        known = set(backend.get(families_key) or ())
        if not {family for family, _ in counts} <= known:
            backend.set(families_key, sorted(known | {family for family, _ in counts}), timeout=None)

    def discard(self) -> None:
        """Forget counts not yet flushed (tests start each from nothing)."""
        with self._lock:
            self._counts.clear()

    def snapshot(self) -> dict[str, dict[str, int]]:
        self.flush()
        backend = cache()
        families = backend.get(key("stats", "families")) or ()
        stat_keys = {(f, o): key("stats", f, o) for f in families for o in ("hit", "miss")}
        found = backend.get_many(list(stat_keys.values()))
        report = {}
        for family in sorted(families):
            hits = int(found.get(stat_keys[(family, "hit")], 0))
            misses = int(found.get(stat_keys[(family, "miss")], 0))
            total = hits + misses
            report[family] = {
                "hits": hits,
                "misses": misses,
                "hit_rate": round(hits / total, 4) if total else None,
            }
        return report


stats = _Stats()


def get_or_set(family: str, cache_key: str, compute, *, timeout: int, cache_not_found: bool = False):
    """The cached value of ``cache_key``, or ``compute()``'s, stored for ``timeout`` seconds.

    With ``cache_not_found``, a ``None`` from compute is remembered as "not found", which
    is then told apart from a miss: it is returned as None without computing again.
    """
    backend = cache()
    value = backend.get(cache_key, MISSING)
    if value is not MISSING:
        stats.record(family, "hit")
        return None if value == _NOT_FOUND else value
    stats.record(family, "miss")
    value = compute()
    if value is not None:
        backend.set(cache_key, value, timeout=timeout)
    elif cache_not_found:
        backend.set(cache_key, _NOT_FOUND, timeout=timeout)
    return value
