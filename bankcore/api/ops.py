from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from bankcore.cache import stats


class CacheStatsView(APIView):
    """Hits and misses per cache key family since the counters began; staff only."""

    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"families": stats.snapshot()})
