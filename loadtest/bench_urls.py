"""bankcore's URLs plus the ceiling views (loadtest/ceiling/views.py) for the tools that time
both in one process with Django's test client (loadtest/profile_transfer.py,
loadtest/bench_cache.py --in-process): /bench/redis-get, one Redis GET, and /bench/tpcb,
pgbench's TPC-B transaction. Mounted only by loadtest.bench_settings, never by bankcore's own
URLconf. ``make bench`` serves the same views from the bare ceiling project instead, so that
bankcore's settings and middleware stay out of the ceiling."""

from django.urls import include, path

from loadtest.ceiling.views import PROBE_KEY, RedisGetView, TpcbView

__all__ = ["PROBE_KEY", "RedisGetView", "TpcbView", "urlpatterns"]

urlpatterns = [
    path("bench/redis-get", RedisGetView.as_view()),
    path("bench/tpcb", TpcbView.as_view()),
    path("", include("bankcore.urls")),
]
