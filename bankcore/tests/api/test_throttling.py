"""Every throttle knows a client by the one address that the audit log records too, and
in-process failure counts are never flushed out by other keys."""

import time

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string

from bankcore.api.throttling import ClientAddressScopedThrottle


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None:
                yield view_class


def test_every_api_throttle_identifies_clients_by_client_ip():
    throttles = {
        throttle
        for view_class in _views(get_resolver().url_patterns)
        for throttle in view_class.throttle_classes
    }
    throttles |= {import_string(path) for path in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES", [])}
    assert throttles, "the registration endpoint at least is throttled"
    for throttle in throttles:
        assert issubclass(throttle, ClientAddressScopedThrottle), throttle
    # DRF's own reading of X-Forwarded-For stays unconfigured, so nothing relies on it.
    assert "NUM_PROXIES" not in settings.REST_FRAMEWORK


def test_in_process_failure_counts_survive_a_flood_of_other_keys():
    """The embedded default and the fallback during a Redis outage count failures in an
    in-process cache, which forgets a third of its keys once full (300 keys by Django's
    default): guesses spread over a few thousand made-up identities must not flush one
    address's count out."""
    from django.core.cache import caches

    from bankcore.throttling import FailureLimiter

    limiter = FailureLimiter("flood-test", 3, 600)
    for alias in (
        "throttle_fallback",
        *(["throttle"] if "LocMem" in settings.CACHES["throttle"]["BACKEND"] else []),
    ):
        store = caches[alias]
        attacker = limiter._key("203.0.113.9", int(time.time() // 600))
        store.set(attacker, 3, timeout=1200)
        for n in range(3000):
            store.set(f"throttle:v1:flood-test:other-{n}", 1, timeout=1200)
        assert store.get(attacker) == 3, alias
        store.clear()


def test_a_tally_counts_nothing_and_only_failures_past_the_limit_are_refused():
    from concurrent.futures import ThreadPoolExecutor

    from bankcore.throttling import FailureLimiter

    limiter = FailureLimiter("tally-test", 3, 600)
    tallies = [limiter.tally("someone") for _ in range(20)]
    assert all(tally.granted for tally in tallies), "reading the count is not an attempt"

    with ThreadPoolExecutor(max_workers=10) as pool:
        refused = list(pool.map(limiter.count_failure, tallies))

    assert sum(retry_after is None for retry_after in refused) == 3
    assert all(0 < retry_after <= 600 for retry_after in refused if retry_after is not None)
    later = limiter.tally("someone")
    assert not later.granted
    assert 0 < later.retry_after <= 600
    assert limiter.recount(tallies[0]) is not None, "a success that began before is refused too"
    assert limiter.tally("someone else").granted


def test_a_burst_straddling_a_window_turn_gets_no_more_refusals_than_the_limit(monkeypatch):
    """Attempts that began just before a window turned count their failures in the window
    the failures happen in, where attempts begun after the turn see them."""
    from types import SimpleNamespace

    from bankcore import throttling

    limiter = throttling.FailureLimiter("turn-test", 10, 900)
    turn = (int(time.time()) // 900 + 5) * 900  # a window boundary, ahead of every other test's
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: turn - 0.05))
    before_the_turn = [limiter.tally("prober") for _ in range(10)]
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: turn + 0.05))
    after_the_turn = [limiter.tally("prober") for _ in range(10)]
    assert all(tally.granted for tally in before_the_turn + after_the_turn)

    answered = [limiter.count_failure(tally) is None for tally in before_the_turn + after_the_turn]

    # Before, the first ten were counted in the old window and the next ten did not see them: 20.
    assert sum(answered) == 10
    assert not limiter.tally("prober").granted
