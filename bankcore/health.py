"""Liveness and readiness: is the database there, is the cache there, how fast."""

import logging
import time
import uuid

from django.core.cache import caches
from django.db import DatabaseError, connections

logger = logging.getLogger("bankcore.health")


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        check()
    except Exception as exc:  # a health check reports every failure, whatever its kind
        logger.warning("health check failed: %s: %s", exc.__class__.__name__, exc)
        ok = False
    else:
        ok = True
    return {"ok": ok, "latency_ms": round((time.perf_counter() - start) * 1000, 2)}


def _check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # A broken pooled connection must not be handed to the next request.
        connection.close()
        raise


def _check_cache() -> None:
    # The default cache swallows Redis errors (a miss is safe), so a round trip whose
    # value does not come back is how an outage shows here.
    cache = caches["default"]
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise ConnectionError("cache did not return the value it was given")
    cache.delete(key)


def health_report() -> tuple[int, dict]:
    """(HTTP status, body): 503 without a database, 200 "degraded" without a cache."""
    database = _timed(_check_database)
    cache = _timed(_check_cache)
    if not database["ok"]:
        status, state = 503, "unavailable"
    elif not cache["ok"]:
        status, state = 200, "degraded"
    else:
        status, state = 200, "ok"
    return status, {"status": state, "checks": {"database": database, "cache": cache}}
