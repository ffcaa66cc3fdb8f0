from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    """For insert-only tables: bulk updates and deletes through the ORM are refused."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are insert-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are insert-only")


class AppendOnlyModel(models.Model):
    """A model whose rows, once inserted, are never changed or deleted by the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are insert-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are insert-only")


class SystemSetting(models.Model):
    """A value staff may change at run time (limits, thresholds), read through the cache."""

    key = models.CharField(max_length=100)
    value = models.JSONField()
    description = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="system_setting_key_uniq")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}"


class DatabaseIdentity(AppendOnlyModel):
    """A random id given to this database when it was created or emptied.

    Every cache key carries the newest one (see ``bankcore.cache.key``): a database that is
    new, reset or restored from another never reads values cached for a different one, even
    through a shared Redis. Rows are only added; the newest is the database's identity.
    """

    value = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["value"], name="database_identity_value_uniq")]
        verbose_name_plural = "database identities"

    def __str__(self) -> str:
        return self.value


class Event(AppendOnlyModel):
    """An event a customer's app may learn of (``bankcore.events``): a row of the outbox,
    written in the transaction of the change it announces, so that rolled-back work never
    has one. It names the object and its type and holds no personal data: the app reads
    the object itself from the API. ``id`` orders a customer's events (and one object's:
    changes to one object are serialised by its row's lock); ``uuid`` is the event's
    public id."""

    uuid = models.UUIDField(unique=True, editable=False)
    type = models.CharField(max_length=64)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # GET /api/events: a customer's newest first, and by type.
            models.Index(fields=["customer", "-id"], name="event_customer_newest"),
            models.Index(fields=["customer", "type", "-id"], name="event_customer_type_newest"),
            # created_after: the customer's events from a time on.
            models.Index(fields=["customer", "created_at"], name="event_customer_created"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_type} {self.object_id}"


class WebhookEndpoint(models.Model):
    """Where bankcore sends its events (bankcore.webhooks; docs/webhooks.md): a URL of an
    integrator's, registered by staff, every customer's events of the types it names (all of
    them when it names none) from the time it was registered on, signed with its secret."""

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    # Standard Webhooks secrets (whsec_...): shown once when made, never again. After a
    # rotation the previous one also signs until previous_secret_until, so that receivers
    # can move to the new one without refusing a delivery.
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The delivery run that holds the endpoint (one at a time keeps each object's order),
    # by its task id, until lease_until: a run killed mid-way is taken over when the broker
    # gives its task again, or by any run once the lease has passed.
    lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"{self.url} ({'enabled' if self.enabled else 'disabled'})"


class WebhookRelay(models.Model):
    """How far the relay has fanned events out to the endpoints: on PostgreSQL the snapshot
    it last read the outbox in (an event is new when its transaction is visible in the next
    snapshot and was not in this one, whatever the order of the ids); elsewhere, where
    writes take turns, the last event id."""

    snapshot = models.TextField(blank=True)
    last_event_id = models.BigIntegerField(default=0)
    relayed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"relayed at {self.relayed_at}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint: pending until an attempt succeeds, failed when its
    retries ran out. The object's type and id are copied from the event: an object's
    deliveries go out in order, each after the one before it ended."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        permissions = [("redeliver_webhookdelivery", "Can send a webhook delivery again")]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_endpoint_event_uniq")
        ]
        indexes = [
            # A run's next deliveries: the endpoint's pending ones that are due, and for each,
            # whether an earlier one of its object is still pending.
            models.Index(
                fields=["endpoint", "object_type", "object_id", "event"],
                name="webhook_delivery_pending",
                condition=models.Q(state="pending"),
            ),
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(state="pending"),
            ),
            # The back office's list, newest first, by state.
            models.Index(fields=["state", "-id"], name="webhook_delivery_state"),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} to endpoint {self.endpoint_id}: {self.state}"


class WebhookAttempt(AppendOnlyModel):
    """One try at a delivery: what the endpoint answered (its status and the start of its
    body, never more than RESPONSE_KEPT characters) or why there was no answer."""

    RESPONSE_KEPT = 300

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.PROTECT, related_name="tries")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    response = models.CharField(max_length=RESPONSE_KEPT, blank=True)
    succeeded = models.BooleanField()

    def __str__(self) -> str:
        return f"{self.status_code or self.error} in {self.duration_ms} ms"
