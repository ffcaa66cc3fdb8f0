from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bankcore.cache import stats
from bankcore.staff import staff_verified

CACHE_STATS_PERMISSION = "accounts.view_cache_stats"


class CanViewCacheStats(BasePermission):
    """Superusers, and staff given the permission (the engineering group has it), in a back
    office session that passed the second factor: a staff member's API token, which a
    password alone issues, never opens it."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and staff_verified(user) and user.has_perm(CACHE_STATS_PERMISSION))


class CacheStatsView(APIView):
    """Hits and misses per cache key family since the counters began; for
    ``accounts.view_cache_stats`` alone. Staff may open it from the back office's session."""

    authentication_classes = [*APIView.authentication_classes, SessionAuthentication]
    permission_classes = [CanViewCacheStats]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"families": stats.snapshot()})
