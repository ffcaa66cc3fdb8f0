"""bankcore's URLs plus the ceilings the hot paths are measured against (loadtest/bench.py):
/bench/redis-get, a bare DRF view doing one Redis GET, and /bench/tpcb, a bare DRF view
running pgbench's TPC-B transaction. Mounted only by loadtest.bench_settings, never by
bankcore's own URLconf."""

import random

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

PROBE_KEY = "bench:probe"
PGBENCH_ALIAS = "pgbench"


class RedisGetView(APIView):
    """A bare DRF view doing one Redis GET: no authentication, no database."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"value": caches["default"].get(PROBE_KEY)})


class TpcbView(APIView):
    """A bare DRF view running pgbench's built-in TPC-B transaction once, on the ``pgbench``
    database alias, with pgbench's random choices: an account, a teller and a branch of
    the database's scale, and a delta from -5000 to 5000. No authentication."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        scale = settings.PGBENCH_SCALE
        aid = random.randint(1, 100_000 * scale)
        tid = random.randint(1, 10 * scale)
        bid = random.randint(1, scale)
        delta = random.randint(-5000, 5000)
        with transaction.atomic(using=PGBENCH_ALIAS), connections[PGBENCH_ALIAS].cursor() as cursor:
            cursor.execute(
                "UPDATE pgbench_accounts SET abalance = abalance + %s WHERE aid = %s", [delta, aid]
            )
            cursor.execute("SELECT abalance FROM pgbench_accounts WHERE aid = %s", [aid])
            (balance,) = cursor.fetchone()
            cursor.execute("UPDATE pgbench_tellers SET tbalance = tbalance + %s WHERE tid = %s", [delta, tid])
            cursor.execute(
                "UPDATE pgbench_branches SET bbalance = bbalance + %s WHERE bid = %s", [delta, bid]
            )
            cursor.execute(
                "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)",
                [tid, bid, aid, delta],
            )
        return Response({"aid": aid, "abalance": balance}, status=201)


urlpatterns = [
    path("bench/redis-get", RedisGetView.as_view()),
    path("bench/tpcb", TpcbView.as_view()),
    path("", include("bankcore.urls")),
]
