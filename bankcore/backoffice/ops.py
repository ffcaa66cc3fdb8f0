"""The operations API for staff: cache hits and misses per key family, mounted at
/api/ops/cache-stats by bankcore/urls.py."""

from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bankcore.backoffice.permissions import VIEW_CACHE_STATS
from bankcore.cache import stats
from bankcore.staff import staff_verified


class CanViewCacheStats(BasePermission):
    """Superusers, and staff given the permission (the engineering group has it), in a back
    office session that passed the second factor: a staff member's API token, which a
    password alone issues, never opens it."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and staff_verified(user) and user.has_perm(VIEW_CACHE_STATS))


class CacheStatsView(APIView):
    """Hits and misses per cache key family since the counters began; for
    ``accounts.view_cache_stats`` alone. Staff may open it from the back office's session."""

    authentication_classes = [*APIView.authentication_classes, SessionAuthentication]
    permission_classes = [CanViewCacheStats]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"families": stats.snapshot()})
