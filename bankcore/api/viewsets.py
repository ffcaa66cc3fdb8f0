from rest_framework import viewsets


class CustomerScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose every row belongs to the requesting customer.

    Subclasses name the queryset and the path from it to the owning user
    (``customer_field``); ``get_queryset`` always applies that filter, so an endpoint
    built on this cannot forget it, and another customer's object is a 404.
    """

    customer_field = "customer"

    def get_queryset(self):
        return self.scoped_queryset().filter(**{self.customer_field: self.request.user})

    def scoped_queryset(self):
        return super().get_queryset()
