"""The back office's pages that are no app's: the run-time settings, the database report, and
the Tools section of the index (silk, the database report, cache statistics) for the staff
whose permissions open them. bankcore's AppConfig imports this package once apps are ready."""

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.admin_site import Tool
from bankcore.backoffice.admin import database_report, schedules, system_settings, webhooks  # noqa: F401
from bankcore.backoffice.permissions import VIEW_CACHE_STATS, VIEW_DATABASE_REPORT, VIEW_PROFILING

admin.site.tool_register(
    Tool(
        name="Profiling (silk)",
        url=lambda: reverse("silk:summary"),
        permission=VIEW_PROFILING,
        available=lambda: apps.is_installed("silk"),
    )
)
admin.site.tool_register(
    Tool(name="Database report", url=lambda: reverse("database-report"), permission=VIEW_DATABASE_REPORT)
)
admin.site.tool_register(
    Tool(name="Cache statistics", url=lambda: reverse("ops-cache-stats"), permission=VIEW_CACHE_STATS)
)
