"""``GET /api/events``: the customer's events, newest first (bankcore.events; docs/events.md)."""

import django_filters
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from bankcore.api.fields import iso_datetime
from bankcore.api.filters import FilterSet, UtcDateTimeFilter
from bankcore.api.viewsets import CustomerScopedViewSet
from bankcore.events import event_type_named, event_types
from bankcore.models import Event


def _type_names() -> list[tuple[str, str]]:
    return [(event_type.name, event_type.name) for event_type in event_types()]


class EventFilter(FilterSet):
    """Each pairs with an index that also serves the order (-id)."""

    type = django_filters.ChoiceFilter(choices=_type_names, help_text="Only events of this type.")
    created_after = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Created at or after (ISO 8601)."
    )

    class Meta:
        model = Event
        fields = ["type", "created_after"]


class EventObjectSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="account, transfer, wire_transfer or kyc_profile.")
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="Where the API serves the object now (a path on this API).")


class EventOutputSerializer(serializers.Serializer):
    """The schema's declaration of ``event_body``: an event names its object and holds no
    personal data; the object's own endpoint has its state."""

    id = serializers.UUIDField(help_text="The event's id: the same each time it is read or delivered.")
    type = serializers.CharField(
        help_text="The event's type, `<object>.<what happened>` (docs/events.md lists them)."
    )
    created_at = serializers.DateTimeField()
    object = EventObjectSerializer()


def _object_url(event: Event) -> str:
    event_type = event_type_named(event.type)
    if event_type is None:  # a type no app declares any more: its object is still named
        return ""
    return reverse(event_type.route, args=[event.object_id] if event_type.route_takes_id else [])


def event_body(event: Event) -> dict:
    return {
        "id": str(event.uuid),
        "type": event.type,
        "created_at": iso_datetime(event.created_at),
        "object": {"type": event.object_type, "id": event.object_id, "url": _object_url(event)},
    }


def event_types_in_schema(viewset):
    """The viewset with the ``type`` filter's values in its schema: every app's event types,
    declared by the time the URLs are loaded (django-filter's choices are read per request,
    which the schema does not see)."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[
                OpenApiParameter(
                    "type",
                    str,
                    enum=[name for name, _ in _type_names()],
                    description="Only events of this type.",
                )
            ]
        )
    )(viewset)


class EventViewSet(mixins.ListModelMixin, CustomerScopedViewSet):
    """Your events, newest first: what happened to your accounts, transfers, wires and KYC
    profile, each written with the change it announces (never for one that was undone).
    Poll with `created_after` or follow the cursor; read the object at its `url`."""

    queryset = Event.objects.all()
    serializer_class = EventOutputSerializer
    row_body = staticmethod(event_body)
    filterset_class = EventFilter
