"""Settings for benchmarks only: bankcore's own, plus the ceiling view's URL."""

from bankcore.settings import *  # noqa: F403

ROOT_URLCONF = "loadtest.bench_urls"
