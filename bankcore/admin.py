from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ActionForm
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from bankcore.errors import DomainError


class EstimatedCountPaginator(Paginator):
    """Admin paginator for big tables: PostgreSQL's row estimate instead of COUNT(*).

    An unfiltered changelist of millions of ledger rows would otherwise count them all
    on every page view. Filtered lists are small enough to count exactly.
    """

    @cached_property
    def count(self):
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate and estimate > 10_000:
                return estimate
        return super().count


class ReadOnlyAdminMixin:
    """Money rows are written by services only: staff read them, never edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonActionForm(ActionForm):
    """The changelist's action bar with a reason, for actions that record why they ran.

    Optional here, because Django refuses an invalid action form with a misleading "No
    action selected": each action refuses a blank reason itself, with its own message.
    """

    # The action bar shows labels, not help texts.
    reason = forms.CharField(max_length=200, required=False, label="Reason (recorded in the audit log)")


def admin_apply_each(modeladmin, request, objects, act, *, label, done: str) -> int:
    """An admin action's loop: ``act`` each selected object through its service.

    A refusal is reported against its object (``label``) and the others go on; a success
    message (``done``, formatted with the count) only when something was done.
    """
    count = 0
    for obj in objects:
        try:
            act(obj)
        except DomainError as refusal:
            modeladmin.message_user(request, f"{label(obj)}: {refusal.detail}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done.format(count=count), messages.SUCCESS)
    return count
