"""Session tokens in the back office: view and revoke."""

from django.contrib import admin
from knox.models import AuthToken

from accounts.services.signin import auth_token_revoke

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Sessions in the back office: view and revoke only.

    Minting a token here would let staff act as any customer, so there is no add or
    change; a revocation goes through the audited service.
    """

    list_display = ["token_key", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["=token_key", "user__email"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = fields
    ordering = ["-created"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        auth_token_revoke(auth_token=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for auth_token in queryset.select_related("user"):
            auth_token_revoke(auth_token=auth_token, actor=request.user)
