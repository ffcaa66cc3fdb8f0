"""CustomerScopedViewSet: an endpoint built on it cannot skip the customer scoping."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import mixins, serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.models import Account
from bankcore.api.pagination import OldestFirstCursorPagination
from bankcore.api.viewsets import CustomerScopedViewSet


@pytest.mark.parametrize("method", ["get_queryset", "get_object", "list", "retrieve"])
def test_a_customer_viewset_that_defines_a_scoping_method_is_refused_when_defined(method):
    def unscoped(self, *args, **kwargs):
        return Account.objects.all()

    with pytest.raises(ImproperlyConfigured, match=f"{method} would skip the customer scoping"):
        type("EveryAccountViewSet", (mixins.ListModelMixin, CustomerScopedViewSet), {method: unscoped})


def test_overriding_get_queryset_fails_at_class_creation():
    with pytest.raises(ImproperlyConfigured, match="dangerously_get_queryset"):

        class EveryAccountViewSet(mixins.ListModelMixin, CustomerScopedViewSet):
            queryset = Account.objects.all()

            def get_queryset(self):
                return Account.objects.all()


class AccountIdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id"]


class AccountListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = Account.objects.filter(customer__isnull=False).order_by("id")
    serializer_class = AccountIdSerializer
    pagination_class = OldestFirstCursorPagination


def listed(viewset, user, path="/api/example", **params) -> list[int]:
    request = APIRequestFactory().get(path, params)
    force_authenticate(request, user=user)
    response = viewset.as_view({"get": "list"})(request)
    assert response.status_code == 200, response.data
    return [row["id"] for row in response.data["results"]]


def retrieved(viewset, user, pk) -> int:
    request = APIRequestFactory().get(f"/api/example/{pk}")
    force_authenticate(request, user=user)
    return viewset.as_view({"get": "retrieve"})(request, pk=str(pk)).status_code


@pytest.mark.django_db
def test_the_queryset_is_filtered_by_customer(customer, funded_account):
    mine, theirs = funded_account(customer=customer), funded_account()
    assert listed(AccountListViewSet, customer) == [mine.pk]
    assert retrieved(AccountListViewSet, customer, mine.pk) == 200
    assert retrieved(AccountListViewSet, customer, theirs.pk) == 404


@pytest.mark.django_db
def test_the_named_escape_hatch_sees_every_customers_rows(customer, funded_account):
    class EveryAccountViewSet(AccountListViewSet):
        def dangerously_get_queryset(self):
            return Account.objects.filter(customer__isnull=False).order_by("id")

    mine, theirs = funded_account(customer=customer), funded_account()
    assert listed(EveryAccountViewSet, customer) == [mine.pk, theirs.pk]
    assert retrieved(EveryAccountViewSet, customer, theirs.pk) == 200


@pytest.mark.django_db
def test_an_object_from_a_cache_is_checked_for_its_owner(customer, funded_account):
    class CachedAccountViewSet(AccountListViewSet):
        def object_from_cache(self, pk):
            return Account.objects.filter(pk=pk).first()  # whoever holds it, as a cache would

    mine, theirs = funded_account(customer=customer), funded_account()
    assert retrieved(CachedAccountViewSet, customer, mine.pk) == 200
    assert retrieved(CachedAccountViewSet, customer, theirs.pk) == 404
    assert retrieved(CachedAccountViewSet, customer, "12a") == 404


@pytest.mark.django_db
def test_a_cached_first_page_holding_another_customers_rows_is_not_served(customer, funded_account, caplog):
    class MixedUpCacheViewSet(AccountListViewSet):
        def first_page_from_cache(self, *, size):
            return list(Account.objects.filter(customer__isnull=False).order_by("id")[:size])

    mine, _theirs = funded_account(customer=customer), funded_account()
    assert listed(MixedUpCacheViewSet, customer) == [mine.pk]
    assert "another customer's rows" in caplog.text


@pytest.mark.django_db
def test_a_cached_first_page_is_paginated_like_the_database_page(customer, funded_account, monkeypatch):
    class CachedFirstPageViewSet(AccountListViewSet):
        def first_page_from_cache(self, *, size):
            return list(Account.objects.filter(customer=customer).order_by("id")[:size])

    accounts = [funded_account(customer=customer) for _ in range(3)]
    request = APIRequestFactory().get("/api/example")
    force_authenticate(request, user=customer)
    monkeypatch.setattr(OldestFirstCursorPagination, "page_size", 2)
    cached = CachedFirstPageViewSet.as_view({"get": "list"})(request).data
    from_database = AccountListViewSet.as_view({"get": "list"})(request).data
    assert [row["id"] for row in cached["results"]] == [a.pk for a in accounts[:2]]
    assert cached == from_database
    assert cached["next"] is not None


@pytest.mark.django_db
def test_bankcores_list_serves_a_cached_first_page_without_making_the_queryset(customer, funded_account):
    """bankcore.api.viewsets.ListModelMixin tries the cached first page first: the queryset,
    whose customer filter costs a tenth of a cached page, is made only when the page is read
    from it (a cursor, a filter, or a cache holding another customer's rows)."""
    from bankcore.api.viewsets import ListModelMixin

    made = []

    class CachedFirstPageViewSet(ListModelMixin, AccountListViewSet):
        cache_holds_everyone = False

        def first_page_from_cache(self, *, size):
            rows = Account.objects.filter(customer__isnull=False).order_by("id")
            if not self.cache_holds_everyone:
                rows = rows.filter(customer=customer)
            return list(rows[:size])

        def dangerously_get_queryset(self):  # counts the querysets made, scoped as the base does
            made.append(self.action)
            return Account.objects.filter(customer=self.request.user).order_by("id")

    mine, _theirs = funded_account(customer=customer), funded_account()
    assert listed(CachedFirstPageViewSet, customer) == [mine.pk]
    assert made == []
    assert listed(CachedFirstPageViewSet, customer, page_size=5) == [mine.pk]
    assert made == ["list"]

    class MixedUpCacheViewSet(CachedFirstPageViewSet):
        cache_holds_everyone = True

    assert listed(MixedUpCacheViewSet, customer) == [mine.pk]
    assert made == ["list", "list"]
