"""Liveness and readiness: is the database there, is the cache there, how fast."""

import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections

logger = logging.getLogger("bankcore.health")

# Staff-only detail, by section: each app adds its own in its AppConfig.ready (the kernel
# imports no app). A section is a function returning a JSON-ready dict.
_detail_sections: dict = {}


def health_detail_register(name: str, section) -> None:
    _detail_sections[name] = section


# Dependencies whose loss degrades the service but does not stop it (besides the cache), each
# a function that raises when the dependency is not there, registered by the layer that knows
# it (the composition layer registers the task broker).
_degrading_checks: dict = {}


def health_check_register(name: str, check) -> None:
    _degrading_checks[name] = check


def health_detail() -> dict:
    """Each registered section's report, or its failure: detail never fails the check."""
    detail = {}
    for name, section in sorted(_detail_sections.items()):
        try:
            detail[name] = section()
        except Exception as exc:  # a section's failure is reported, never raised
            logger.warning("health detail %s failed: %s: %s", name, exc.__class__.__name__, exc)
            detail[name] = {"ok": False, "error": exc.__class__.__name__}
    return detail


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


_last_probe: tuple[float, int, dict] | None = None
_last_probe_lock = threading.Lock()


def health_report() -> tuple[int, dict]:
    """(HTTP status, body): 503 without a database, 200 "degraded" without a cache (or
    another registered dependency: the task broker, where there is one).

    A process answers from its last probe for HEALTH_PROBE_SECONDS (1 by default): load
    balancers, monitors and the load test ask many times a second, and each probe is a
    database round trip and three cache calls. An outage therefore shows within that long.
    """
    global _last_probe
    lifetime = settings.HEALTH_PROBE_SECONDS
    last = _last_probe
    if last is not None and time.monotonic() - last[0] < lifetime:
        return last[1], _copy(last[2])
    status, body = _probe()
    with _last_probe_lock:
        _last_probe = (time.monotonic(), status, body)
    return status, _copy(body)


def health_probe_forget() -> None:
    """Probe again on the next request (tests that break a dependency)."""
    global _last_probe
    with _last_probe_lock:
        _last_probe = None


def _copy(body: dict) -> dict:
    return {**body, "checks": {name: dict(check) for name, check in body["checks"].items()}}


def _probe() -> tuple[int, dict]:
    checks = {"database": _timed(_check_database), "cache": _timed(_check_cache)}
    for name, check in sorted(_degrading_checks.items()):
        checks[name] = _timed(check)
    if not checks["database"]["ok"]:
        status, state = 503, "unavailable"
    elif not all(check["ok"] for check in checks.values()):
        status, state = 200, "degraded"
    else:
        status, state = 200, "ok"
    return status, {"status": state, "checks": checks}
