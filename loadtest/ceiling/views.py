"""The ceilings bankcore's hot paths are measured against: a DRF view doing one Redis GET,
and one running pgbench's TPC-B transaction. Served by the bare project (loadtest.ceiling)
under make bench; loadtest/bench_urls.py mounts the same views inside bankcore's settings for
the in-process tools (loadtest/profile_transfer.py, loadtest/bench_cache.py)."""

import random

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from rest_framework.response import Response
from rest_framework.views import APIView

# Written through bankcore's cache by the benchmark before it starts.
PROBE_KEY = "bench:probe"


class RedisGetView(APIView):
    """One Redis GET: no authentication, no permission check, no database."""

    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        return Response({"value": caches["default"].get(PROBE_KEY)})


class TpcbView(APIView):
    """pgbench's built-in TPC-B transaction once, on the CEILING_DATABASE alias, with pgbench's
    random choices: an account, a teller and a branch of the database's scale (PGBENCH_SCALE),
    and a delta from -5000 to 5000. No authentication, no permission check."""

    authentication_classes: list = []
    permission_classes: list = []

    def post(self, request):
        alias, scale = settings.CEILING_DATABASE, settings.PGBENCH_SCALE
        aid = random.randint(1, 100_000 * scale)
        tid = random.randint(1, 10 * scale)
        bid = random.randint(1, scale)
        delta = random.randint(-5000, 5000)
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
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
