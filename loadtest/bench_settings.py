"""Settings for the in-process benchmark tools (loadtest/profile_transfer.py,
loadtest/bench_cache.py): bankcore's own, plus the ceiling views' URLs and, when
BENCH_PGBENCH_DATABASE_URL is set, a second database alias, ``pgbench``, for the TPC-B
ceiling: a database made by ``pgbench -i``, with the same options and pool as bankcore's.
``make bench`` serves the ceilings from their own bare project (loadtest/ceiling/) instead."""

import dj_database_url

from bankcore.env import env_int, env_str
from bankcore.settings import *  # noqa: F403
from bankcore.settings import DATABASES

ROOT_URLCONF = "loadtest.bench_urls"

PGBENCH_DATABASE_URL = env_str("BENCH_PGBENCH_DATABASE_URL")
if PGBENCH_DATABASE_URL:
    DATABASES["pgbench"] = {
        **DATABASES["default"],
        **dj_database_url.parse(PGBENCH_DATABASE_URL),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "OPTIONS": DATABASES["default"]["OPTIONS"],
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": DATABASES["default"]["CONN_HEALTH_CHECKS"],
    }
# The alias the TPC-B view runs on.
CEILING_DATABASE = "pgbench"
# pgbench -s: how many branches (and 10 tellers, 100,000 accounts per branch) it made.
PGBENCH_SCALE = env_int("BENCH_PGBENCH_SCALE")
