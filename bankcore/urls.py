"""The project's URLs: each app's API, the composition layer's operations and back-office
pages (bankcore.backoffice), the admin, health and metrics."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import accounts.events
import kyc.events
import transfers.events
from bankcore import views
from bankcore.api.events import EventViewSet, event_types_in_schema
from bankcore.backoffice.ops import CacheStatsView

# Every app's event types, declared before the events endpoint's schema lists them.
EVENT_TYPE_MODULES = (accounts.events, kyc.events, transfers.events)

api_patterns = [
    path("", include("accounts.api.urls")),
    path("", include("transfers.api.urls")),
    path("", include("kyc.api.urls")),
    path("events", event_types_in_schema(EventViewSet).as_view({"get": "list"}), name="event-list"),
    path("ops/cache-stats", CacheStatsView.as_view(), name="ops-cache-stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("health", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("api/", include(api_patterns)),
    path("admin/database-report/", include("bankcore.backoffice.admin.database_report")),
    path("admin/", admin.site.urls),
]
if settings.SILK_ENABLED:
    urlpatterns += [
        # Silk's "clear all" page would delete every recorded request for anyone who may read
        # them, unaudited: deleting them is accounts.purge_profiling's, through the audited
        # ``manage.py purge_profiles`` (bankcore.backoffice.operations.profiles_purge).
        path("silk/cleardb/", views.not_found),
        path("silk/", include("silk.urls", namespace="silk")),
    ]

handler400 = "bankcore.views.bad_request"
handler403 = "bankcore.views.permission_denied"
handler404 = "bankcore.views.not_found"
handler500 = "bankcore.views.server_error"
