"""The database report in the back office: the page ``manage.py db_report`` prints, for staff
with ``accounts.view_database_report`` (the engineering role), each opening audited."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path

from audit import actions
from audit.services import audit_record
from bankcore.backoffice.database_report import database_report
from bankcore.backoffice.permissions import VIEW_DATABASE_REPORT


def database_report_view(request):
    if not request.user.has_perm(VIEW_DATABASE_REPORT):
        raise PermissionDenied
    sections = database_report()
    with transaction.atomic():
        audit_record(action=actions.DATABASE_REPORT_VIEWED, actor=request.user, object_type="database")
    context = {**admin.site.each_context(request), "title": "Database report", "sections": sections}
    return TemplateResponse(request, "admin/database_report.html", context)


# Mounted at /admin/database-report/ by bankcore/urls.py, before the admin's own patterns.
urlpatterns = [path("", admin.site.admin_view(database_report_view), name="database-report")]
