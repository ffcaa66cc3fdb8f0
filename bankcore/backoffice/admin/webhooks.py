"""Webhooks in the back office: endpoints registered, changed, disabled and given new
secrets, deliveries with every attempt, sent again on request — each change through the
audited services of bankcore.backoffice.webhooks. Who may is Django's model permissions
(the engineering role: accounts' roles migration). A secret is shown on the page that made
it, once; it is kept nowhere else (no message, no session)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse

from bankcore.admin import ReadOnlyAdminMixin
from bankcore.backoffice.webhooks import (
    delivery_redeliver,
    endpoint_add,
    endpoint_change,
    endpoint_refusals,
    endpoint_secret_rotate,
)
from bankcore.errors import NotPermitted
from bankcore.events import event_types
from bankcore.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint


def _type_choices() -> list[tuple[str, str]]:
    return [(event_type.name, event_type.name) for event_type in event_types()]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=2000, assume_scheme="https", label="URL", widget=forms.URLInput(attrs={"size": 80})
    )
    event_types = forms.MultipleChoiceField(
        choices=_type_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every type, those added later too. What each means: docs/events.md.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types", "enabled"]

    def clean(self):
        cleaned_data = super().clean()
        if "url" in cleaned_data:
            for refusal in endpoint_refusals(
                url=cleaned_data["url"], event_types=cleaned_data["event_types"]
            ):
                self.add_error("url", ValidationError(refusal))
        return cleaned_data


def _secret_page(request, endpoint: WebhookEndpoint, secret: str, *, rotated: bool):
    return TemplateResponse(
        request,
        "admin/webhook_secret.html",
        {
            **admin.site.each_context(request),
            "title": "The endpoint's secret",
            "endpoint": endpoint,
            "secret": secret,
            "rotated": rotated,
            "opts": WebhookEndpoint._meta,
        },
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["id", "url", "enabled", "types", "pending", "failed", "created_at"]
    list_filter = ["enabled"]
    readonly_fields = ["created_at", "previous_secret_until"]
    actions = ["rotate_secret"]

    def get_queryset(self, request):
        pending = Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING))
        failed = Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED))
        return super().get_queryset(request).annotate(pending=pending, failed=failed)

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "event_types"]
        return fields if obj is None else [*fields, "enabled", "created_at", "previous_secret_until"]

    @admin.display(description="event types")
    def types(self, endpoint):
        return ", ".join(endpoint.event_types) or "every type"

    @admin.display(description="pending")
    def pending(self, endpoint):
        return endpoint.pending

    @admin.display(description="failed")
    def failed(self, endpoint):
        return endpoint.failed

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in form.Meta.fields}
            endpoint_change(endpoint=obj, actor=request.user, **changes)
        else:
            registered = endpoint_add(
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
                actor=request.user,
            )
            obj.pk, request._webhook_secret = registered.endpoint.pk, registered.secret

    def response_add(self, request, obj, post_url_continue=None):
        endpoint = WebhookEndpoint.objects.get(pk=obj.pk)
        return _secret_page(request, endpoint, request._webhook_secret, rotated=False)

    @admin.action(description="Give the selected endpoint a new secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one endpoint: its new secret is shown once.", messages.ERROR)
            return None
        registered = endpoint_secret_rotate(endpoint=queryset.get(), actor=request.user)
        return _secret_page(request, registered.endpoint, registered.secret, rotated=True)

    def has_delete_permission(self, request, obj=None):
        return False  # disabled, never deleted: its deliveries stay on record


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["started_at", "duration_ms", "status_code", "error", "response", "succeeded"]
    readonly_fields = fields
    extra = 0
    ordering = ["id"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("bankcore.view_webhookdelivery")  # a delivery's attempts

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "event_type",
        "endpoint",
        "object",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["state", "endpoint"]
    list_select_related = ["event", "endpoint"]
    fields = [
        "endpoint",
        "event_id_public",
        "event_type",
        "object",
        "state",
        "attempts",
        "first_attempt_at",
        "next_attempt_at",
        "ended_at",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]
    ordering = ["-id"]
    show_full_result_count = False

    @admin.display(description="event")
    def event_type(self, delivery):
        return delivery.event.type

    @admin.display(description="webhook-id")
    def event_id_public(self, delivery):
        return f"msg_{delivery.event.uuid}"

    @admin.display(description="object")
    def object(self, delivery):
        return f"{delivery.object_type} {delivery.object_id}"

    @admin.action(description="Send the selected deliveries again", permissions=["redeliver"])
    def redeliver(self, request, queryset):
        try:
            for delivery in queryset:
                delivery_redeliver(delivery=delivery, actor=request.user)
        except NotPermitted as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{len(queryset)} deliveries will be sent again.", messages.SUCCESS)

    def has_redeliver_permission(self, request):
        return request.user.has_perm("bankcore.redeliver_webhookdelivery")
