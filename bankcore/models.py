from django.conf import settings
from django.db import models


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
