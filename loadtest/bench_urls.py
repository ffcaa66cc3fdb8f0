"""bankcore's URLs plus /bench/redis-get: the ceiling a cached read is measured against."""

from django.core.cache import caches
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

PROBE_KEY = "bench:probe"


class RedisGetView(APIView):
    """A bare DRF view doing one Redis GET: no authentication, no database."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"value": caches["default"].get(PROBE_KEY)})


urlpatterns = [
    path("bench/redis-get", RedisGetView.as_view()),
    path("", include("bankcore.urls")),
]
