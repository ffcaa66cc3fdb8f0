import logging

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets

from bankcore.api.pagination import RowsRead
from bankcore.digits import LARGEST_ID, ascii_whole_number

logger = logging.getLogger("bankcore.api")

# What a subclass defines instead of each method that does the scoping.
_SCOPING_METHODS = {
    "get_queryset": "set `queryset` (it is filtered by customer); an endpoint that must see every "
    "customer's rows defines `dangerously_get_queryset`",
    "get_object": "define `object_from_cache` to read objects from a cache; an endpoint that must "
    "see every customer's objects defines `dangerously_get_object`",
    "list": "use ListModelMixin, which lists `get_queryset`; define `first_page_from_cache` to "
    "serve the first page from a cache (with bankcore.api.viewsets.ListModelMixin, which tries it "
    "before the queryset is made)",
    "retrieve": "use RetrieveModelMixin, which reads `get_object`",
}


class CustomerScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose every row belongs to the requesting customer.

    Subclasses name the queryset and the foreign key from it to the owning user
    (``customer_field``); ``get_queryset`` always applies that filter, so an endpoint built
    on this cannot forget it, and another customer's object is a 404. A subclass that
    defines one of the scoping methods themselves is refused when the class is made.

    Cached reads go through the base too, which checks the owner of every row they return:

    - ``object_from_cache(pk)``: the object with that primary key, whoever holds it, or None;
    - ``first_page_from_cache(size)``: the first ``size`` rows of the customer's list, in
      the pagination's order (one more than a page), for a list with no query parameters.

    The escape hatches, ``dangerously_get_queryset`` and ``dangerously_get_object``, are
    named to be found in review: they return rows of any customer.

    Rows may be model instances or plain dicts (``queryset.values()``). With ``row_body``
    (a function from one row to its response body) list and retrieve render each row with
    it instead of the serializer, which stays the schema's declaration.
    """

    customer_field = "customer"
    row_body = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for method, instead in _SCOPING_METHODS.items():
            if method in cls.__dict__:
                raise ImproperlyConfigured(
                    f"{cls.__qualname__}.{method} would skip the customer scoping of "
                    f"CustomerScopedViewSet: {instead}."
                )

    def get_queryset(self):
        unscoped = getattr(self, "dangerously_get_queryset", None)
        if unscoped is not None:
            return unscoped()
        return super().get_queryset().filter(**{self.customer_field: self.request.user})

    def get_object(self):
        unscoped = getattr(self, "dangerously_get_object", None)
        if unscoped is not None:
            return unscoped()
        from_cache = getattr(self, "object_from_cache", None)
        if from_cache is None:
            return super().get_object()
        pk = ascii_whole_number(str(self.kwargs[self.lookup_url_kwarg or self.lookup_field]))
        if pk is None or pk > LARGEST_ID:
            raise Http404
        obj = from_cache(pk)
        if obj is None or not self._owned_by_customer(obj):
            raise Http404
        self.check_object_permissions(self.request, obj)
        return obj

    def get_serializer(self, *args, **kwargs):
        # The schema asks with no instance: it always gets the declared serializer.
        if self.row_body is None or not args:
            return super().get_serializer(*args, **kwargs)
        return RowBodies(args[0], self.row_body, many=kwargs.get("many", False))

    def filter_queryset(self, queryset):
        # With no query parameters no filter narrows anything, yet django-filter would
        # still build its form for each request: more CPU than the rest of a cached list.
        if not self.request.query_params and self._filters_need_no_parameters():
            return queryset
        return super().filter_queryset(queryset)

    def paginate_queryset(self, queryset, *, first_page_from_cache=None):
        """A page of ``queryset``. The plain first page (no query parameters: no filter,
        cursor or page size) comes from ``first_page_from_cache`` (by default the viewset's
        own hook) when there is one and every row it returns is the customer's."""
        page = self.cached_first_page(first_page_from_cache)
        return page if page is not None else super().paginate_queryset(queryset)

    def cached_first_page(self, first_page_from_cache=None) -> list | None:
        """The plain first page from ``first_page_from_cache`` (by default the viewset's own
        hook), paginated, when the request asks for it and every row is the customer's;
        None otherwise (the page is then read from the queryset)."""
        first_page_from_cache = first_page_from_cache or getattr(self, "first_page_from_cache", None)
        if first_page_from_cache is None or self.paginator is None or self.request.query_params:
            return None
        rows = first_page_from_cache(size=self.paginator.get_page_size(self.request) + 1)
        if not self._owned_by_customer(*rows):
            logger.error("%s: a cached first page holds another customer's rows", type(self).__name__)
            return None
        return self.paginator.paginate_queryset(RowsRead(rows), self.request, view=self)

    def _filters_need_no_parameters(self) -> bool:
        if not all(issubclass(backend, DjangoFilterBackend) for backend in self.filter_backends):
            return False
        filterset_class = getattr(self, "filterset_class", None)
        return filterset_class is None or not any(
            f.extra.get("required") for f in filterset_class.base_filters.values()
        )

    def _owned_by_customer(self, *rows) -> bool:
        """Whether every one of ``rows`` (model instances or dicts) is the requesting
        customer's. The customer is read once: a cached page checks up to 201 rows."""
        field = f"{self.customer_field}_id"
        customer = self.request.user.pk
        return all((row[field] if isinstance(row, dict) else getattr(row, field)) == customer for row in rows)


class ListModelMixin(mixins.ListModelMixin):
    """DRF's list, for a CustomerScopedViewSet with ``first_page_from_cache``: the cached
    first page is tried before the queryset is made. Filtering the queryset by customer
    builds its SQL, a tenth of a cached page's CPU, for a page that never reads it."""

    def list(self, request, *args, **kwargs):
        page = self.cached_first_page()
        if page is None:
            return super().list(request, *args, **kwargs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RowBodies:
    """A serializer's ``data``, made by a plain function per row: what a view hands its
    response when ``row_body`` is set."""

    def __init__(self, rows, body, *, many: bool):
        self.rows, self.body, self.many = rows, body, many

    @property
    def data(self):
        if self.many:
            return [self.body(row) for row in self.rows]
        return self.body(self.rows)
