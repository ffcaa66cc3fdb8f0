from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bankcore.cache import stats

CACHE_STATS_PERMISSION = "accounts.view_cache_stats"


class CanViewCacheStats(BasePermission):
    """Superusers, and staff given the permission (the engineering group has it)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_active and user.is_staff and user.has_perm(CACHE_STATS_PERMISSION))


class CacheStatsView(APIView):
    """Hits and misses per cache key family since the counters began; for
    ``accounts.view_cache_stats`` alone. Staff may open it from the back office's session."""

    authentication_classes = [*APIView.authentication_classes, SessionAuthentication]
    permission_classes = [CanViewCacheStats]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"families": stats.snapshot()})
