"""Settings for the test suite: the real settings, read from the same environment.

DATABASE_URL and REDIS_URL are honoured as in production, so the suite runs against
real PostgreSQL and Redis when they are set and on SQLite and local memory otherwise.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bankcore-test-suite-secret-key-not-for-any-deployment")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SILK_ENABLED", "true")
os.environ.setdefault("SILK_SAMPLE_PERCENT", "0")
# Metrics in multiprocess mode, as under gunicorn, in a directory of this run's own.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bankcore-test-metrics-"))

from bankcore.settings import *  # noqa: F403
from bankcore.settings import CACHES, DATABASES

# Every /health request probes the database and cache, so a test that breaks one sees it at
# once (bankcore/tests/api/test_health.py tests the probe's one-second memory itself).
HEALTH_PROBE_SECONDS = 0

# Argon2 is the production hasher (pinned by a test); the suite hashes many passwords,
# and a deliberately slow hash would dominate its run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test run gets its own key space, so runs on one Redis never see each other's keys.
for alias in ("default", "throttle"):
    CACHES[alias]["KEY_PREFIX"] = f"bankcore-test-{os.getpid()}"

# Whitenoise serves STATIC_ROOT, which collectstatic fills in production. The suite's is an
# empty directory of this run's own: WhiteNoise walks the whole directory each time a test
# client loads the middleware, and a checkout's collected staticfiles/ (after make run) made
# the 32-thread transfer test three times slower and its threads too late to race.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="bankcore-test-static-"))
# Templates rendered in tests (admin, silk) need no collectstatic manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# KYC documents stored by a test that does not choose a directory of its own (seed_demo's
# demo passport, for one) go to this run's directory, never the checkout's KYC_DOCUMENT_ROOT.
if STORAGES["kyc"]["BACKEND"].endswith("FileSystemStorage"):  # noqa: F405
    STORAGES["kyc"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="bankcore-test-kyc-")  # noqa: F405
# Uploads stream into this run's own private directory, never the checkout's var/.
FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="bankcore-test-uploads-")

# Transactional tests empty the tables with TRUNCATE between tests. On PostgreSQL the
# insert-only tables refuse it except on a test_… database in a session that asks
# (bankcore/append_only.py); the suite's sessions ask, and the trigger tests turn it off.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"]["options"] += " -c bankcore.test_flush=on"
    # The concurrency tests hold a session per thread at once (32 threads at most, in
    # transfers/tests/test_concurrency.py) besides the test's own; with a server process's share
    # (DB_POOL_MAX_SIZE, 8) the threads would queue for the pool and never race. One test run
    # holds at most this many, well under PostgreSQL's default max_connections (100).
    DATABASES["default"]["OPTIONS"]["pool"]["max_size"] = 40
