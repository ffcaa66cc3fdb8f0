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

Every key also carries the identity of the database it describes: a random id the
database was given when it was created (or emptied), read once per process on first use.
A database that is new, reset or restored from another therefore never reads values cached
for a different one, even through a Redis that kept its keys. When the id cannot be read
(the database is down), the cache is not used at all rather than under a guessed id. A
process keeps the id it read: restore or recreate a database with the app stopped, or
restart the app afterwards.

A versioned key names a fact that never changes ("account 7 as of generation g"), so
values are also kept in a small in-process LRU in front of Redis; and the generations a
request needs can be fetched once, together, at its start (``prefetch``). A warm read is
then one Redis round trip for the whole request. A value is stored with the time it
expires, and a copy taken into a process keeps that time: it never outlives the shared
value, which bounds how long a missed retirement can last.

Counters of a *lazy* scope (a session token) are never made by a read: only
``get_or_set`` makes one, once there is a value to cache, so requests for objects that do
not exist (a made-up token) leave nothing in Redis.

Each kind of cached value is a *family*. An app's ``cache.py`` has one function per family
that returns its ``Slot``: the key's parts, the generation scopes it depends on, its name in
the statistics and its lifetime. Nothing else spells a key or names a family.
"""

import logging
import threading
import time
from collections import Counter
from contextvars import ContextVar
from enum import IntEnum
from functools import partial
from typing import NamedTuple

from cachetools import TLRUCache
from django.core.cache import caches
from django.db import DatabaseError, transaction

from bankcore.errors import DependencyUnavailable
from bankcore.observability import phase

logger = logging.getLogger("bankcore.cache")

SCHEMA_VERSION = 3  # 2: values are stored with their expiry time; 3: history pages hold rows
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


_database_identity: str | None = None
_database_identity_lock = threading.Lock()


def database_identity() -> str:
    """The id of the database this process serves: read on first use, then kept.

    Raises the database's error when it cannot be read, and DependencyUnavailable when
    it has no id (a table emptied by hand): never a guess.
    """
    global _database_identity
    identity = _database_identity
    if identity is None:
        with _database_identity_lock:
            if _database_identity is None:
                _database_identity = _read_database_identity()
            identity = _database_identity
    return identity


def _read_database_identity() -> str:
    from bankcore.models import DatabaseIdentity

    identity = DatabaseIdentity.objects.order_by("-pk").values_list("value", flat=True).first()
    if identity is None:
        logger.error("the database has no identity, so the cache is not used: run manage.py migrate")
        raise DependencyUnavailable()
    return identity


def database_identity_forget() -> None:
    """Read the identity again on next use: this process has just given the database a new one."""
    global _database_identity
    with _database_identity_lock:
        _database_identity = None


def key(family: str, *parts) -> str:
    return ":".join(["bc", f"v{SCHEMA_VERSION}", database_identity(), family, *(str(part) for part in parts)])


def _generation_key(scope: str, object_id) -> str:
    return key("gen", scope, object_id)


_epoch_bump_pending = threading.Event()
_lazy_scopes: set[str] = set()


def lazy_scope(scope: str) -> str:
    """Declare ``scope`` lazy: reads never create its counters (see ``get_or_set``)."""
    _lazy_scopes.add(scope)
    return scope


class Slot(NamedTuple):
    """Where one cached value lives, as its family's function in an app's cache.py says.

    ``family`` names the key and the value's hit and miss counts; ``parts`` pick the object;
    the key also carries the current generation of each of ``scopes``, so a write to any
    of them retires the value. ``remember_not_found`` caches a ``None`` as "not found".
    A value under a lazy scope depends on that scope alone.
    """

    family: str
    parts: tuple
    scopes: tuple[tuple[str, object], ...]
    timeout: int
    remember_not_found: bool = False

    @property
    def lazy(self) -> bool:
        return any(scope in _lazy_scopes for scope, _ in self.scopes)

    def key_at(self, current_generations: tuple) -> str:
        return key(self.family, *self.parts, *current_generations)

    def current_key(self) -> str:
        return self.key_at(generations(*self.scopes))


_request_generations: ContextVar[dict | None] = ContextVar("bankcore_generations", default=None)


def begin_request_generations():
    """Give the current request its own memo of generations (see ``prefetch``)."""
    return _request_generations.set({})


def end_request_generations(token) -> None:
    _request_generations.reset(token)


def _fetch_generations(scopes) -> dict:
    backend = cache()
    if _epoch_bump_pending.is_set():
        try:
            bumped = backend.incr(_generation_key(*EPOCH))
        except ValueError:  # no epoch at all: the cache lost every key, nothing stale is left
            bumped = True
        if bumped is not None:
            _epoch_bump_pending.clear()
    keys = {scope: _generation_key(*scope) for scope in scopes}
    found = backend.get_many(list(keys.values()))
    values = {}
    for scope, generation_key in keys.items():
        value = found.get(generation_key)
        if value is None and scope[0] in _lazy_scopes:
            values[scope] = None  # no counter: nothing of this object is cached anywhere
            continue
        if value is None:
            fresh = time.time_ns()
            created = backend.add(generation_key, fresh, timeout=_counter_timeout(scope))
            value = fresh if created else backend.get(generation_key, fresh)
        values[scope] = value
    return values


def _counter_timeout(scope) -> int | None:
    # Counters may expire: a missing one restarts at a fresh value, which is safe, and
    # keeps Redis from collecting one per random token a client makes up. The epoch lives
    # on, or its expiry would retire every cached value at once.
    return None if scope == EPOCH else TTL.DAY


def prefetch(*scopes: tuple[str, object]) -> None:
    """Read the epoch and these generations in one round trip, for the rest of the request.

    Reading a generation early is safe: a value computed after a later write is stored
    under the older generation, which is simply never read again.
    """
    try:
        database_identity()
    except (DatabaseError, DependencyUnavailable):
        return  # the view's own cache use meets the same error and answers it with a 503
    memo = _request_generations.get()
    fetched = _fetch_generations([EPOCH, *scopes])
    if memo is not None:
        memo.update(fetched)


def generations(*scopes: tuple[str, object]) -> tuple:
    """The current generation of each (scope, id), prefixed by the epoch.

    A lazy scope without a counter has the generation None.
    """
    wanted = [EPOCH, *scopes]
    memo = _request_generations.get()
    if memo is not None and all(scope in memo for scope in wanted):
        return tuple(memo[scope] for scope in wanted)
    fetched = _fetch_generations(wanted)
    if memo is not None:
        memo.update(fetched)
    return tuple(fetched[scope] for scope in wanted)


def _bump(scope: str, object_id) -> None:
    _bump_many(((scope, object_id),))


def _bump_many(scopes) -> None:
    """Bump the generation of every (scope, id) in ``scopes``, in one round trip."""
    timeouts = {_generation_key(*scope): _counter_timeout(scope) for scope in scopes}
    with phase("cache_bump", op="cache.bump", description="retire cached values"):
        bumped = cache().generations_bump(timeouts, fresh=time.time_ns())
    if not bumped:  # the backend swallowed an outage
        logger.warning("cache generation bump failed; the epoch will be bumped on recovery")
        _epoch_bump_pending.set()


def bump_on_commit(scope: str, object_id) -> None:
    """After the current transaction commits, make every value of (scope, id) unreachable."""
    transaction.on_commit(partial(_bump, scope, object_id))


def bumps_on_commit(scopes) -> None:
    """``bump_on_commit`` for each (scope, id) of ``scopes``, all in one round trip."""
    transaction.on_commit(partial(_bump_many, tuple(scopes)))


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


class _LocalValues:
    """A bounded LRU of versioned keys to values, in this process.

    Only for keys that carry a generation: their value never changes. Callers treat the
    values as read-only, since threads share them. Each entry expires with the shared value
    it copies: the TLRU's clock is ``time.time()``, which is comparable across processes.
    """

    def __init__(self, max_entries: int = 10_000):
        # cachetools' caches are not thread-safe, nor is the clock they keep while they work.
        self._lock = threading.Lock()
        self._entries = TLRUCache(
            maxsize=max_entries,
            ttu=lambda _key, entry, _now: entry[1],
            timer=lambda: time.time(),  # looked up at each call, so tests can move the clock
        )

    def get(self, cache_key):
        with self._lock:
            try:
                value, _expires_at = self._entries[cache_key]
            except KeyError:  # never stored, evicted or expired
                return MISSING
        return value

    def set(self, cache_key, value, expires_at: float) -> None:
        with self._lock:
            self._entries[cache_key] = (value, expires_at)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


local_values = _LocalValues()


def _store(cache_key: str, value, timeout: int) -> None:
    expires_at = time.time() + timeout
    cache().set(cache_key, (value, expires_at), timeout=timeout)
    local_values.set(cache_key, value, expires_at)


def _load(cache_key: str):
    """The value in this process or else in the shared cache, if it has not expired."""
    value = local_values.get(cache_key)
    if value is not MISSING:
        return value
    stored = cache().get(cache_key, MISSING)
    if stored is MISSING:
        return MISSING
    value, expires_at = stored
    if expires_at <= time.time():  # Redis expires it a moment later, by its own clock
        return MISSING
    local_values.set(cache_key, value, expires_at)
    return value


def get_or_set(slot: Slot, compute):
    """The value in ``slot``, or ``compute()``'s, kept for the slot's timeout.

    Looks in this process first, then in the shared cache. A ``None`` from compute is not
    cached, unless the slot remembers "not found": then it is told apart from a miss and
    returned as None without computing again.
    """
    if slot.lazy:
        return _get_or_set_lazy(slot, compute)
    return _get_or_set(slot, slot.current_key(), compute)


def _get_or_set(slot: Slot, cache_key: str, compute):
    value = _load(cache_key)
    if value is not MISSING:
        stats.record(slot.family, "hit")
        return None if value == _NOT_FOUND else value
    stats.record(slot.family, "miss")
    value = compute()
    if value is not None:
        _store(cache_key, value, slot.timeout)
    elif slot.remember_not_found:
        _store(cache_key, _NOT_FOUND, slot.timeout)
    return value


def _counter_start(scope: tuple[str, object]) -> int | None:
    """Create the missing counter of a lazy scope: its first generation, or None when
    another call (a write's bump, or a concurrent reader) created it first."""
    fresh = time.time_ns()
    if not cache().add(_generation_key(*scope), fresh, timeout=_counter_timeout(scope)):
        return None
    memo = _request_generations.get()
    if memo is not None:
        memo[scope] = fresh
    return fresh


def _get_or_set_lazy(slot: Slot, compute):
    """``get_or_set`` under the generation of one lazy scope.

    While the scope has no counter nothing of it is cached, so compute() runs, and only a
    value worth caching creates the counter. The counter is created after compute(): a
    write that races it finds no counter, creates one itself, and the value from before
    the write is then not cached at all.
    """
    if len(slot.scopes) != 1:
        raise ValueError(f"{slot.family}: a value under a lazy scope depends on that scope alone")
    (scope,) = slot.scopes
    current = generations(scope)
    epoch, generation = current
    if generation is not None:
        return _get_or_set(slot, slot.key_at(current), compute)
    stats.record(slot.family, "miss")
    value = compute()
    if value is not None:
        started = _counter_start(scope)
        if started is not None:
            _store(slot.key_at((epoch, started)), value, slot.timeout)
    return value
