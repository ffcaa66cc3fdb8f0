"""The server's own timings, read from bankcore's Server-Timing header."""

from loadtest import servertiming

HEADER = 'db;dur=3.2;desc="2 queries", cache;dur=0.4;desc="3 calls", total;dur=7.9'


def test_the_header_gives_db_cache_and_total():
    assert servertiming.parse(HEADER) == {"db": 3.2, "cache": 0.4, "total": 7.9}


def test_a_missing_header_gives_nothing():
    assert servertiming.parse(None) == {}


def test_the_summary_has_percentiles_per_endpoint():
    timings = servertiming.ServerTimings()
    for total in range(1, 101):
        timings.add("GET /api/accounts", f"db;dur=1.0, cache;dur=0.5, total;dur={total}")
    summary = timings.summary()["GET /api/accounts"]
    assert summary["total"] == {"p50": 50.0, "p95": 95.0, "mean": 50.5}
    assert summary["db"]["p95"] == 1.0
