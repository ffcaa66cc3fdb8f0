"""IdempotentCreateMixin is not the transfers' alone: any create can sit behind it."""

import pytest
from django.db import transaction
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.api.serializers import AccountOpenInputSerializer, AccountOutputSerializer
from accounts.models import Account
from accounts.services.bank_accounts import account_open
from bankcore.api.viewsets import CustomerScopedViewSet
from transfers.api.idempotency import IdempotentCreateMixin
from transfers.models import IdempotencyKey

pytestmark = pytest.mark.django_db


@transaction.atomic(durable=True)
def account_open_once(*, customer, kind, currency, claim) -> Account:
    claim.hold()
    account = account_open(customer=customer, kind=kind, currency=currency)
    claim.complete(result=account)
    return account


class AccountOpenViewSet(IdempotentCreateMixin, CustomerScopedViewSet):
    queryset = Account.objects.all()
    serializer_class = AccountOutputSerializer
    input_serializer_class = AccountOpenInputSerializer

    def perform_idempotent_create(self, data, claim):
        return account_open_once(customer=self.request.user, claim=claim, **data)


def open_account(customer, *, key, currency="EUR"):
    request = APIRequestFactory().post(
        "/api/example-accounts",
        {"kind": "savings", "currency": currency},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    force_authenticate(request, user=customer)
    return AccountOpenViewSet.as_view({"post": "create"})(request)


def test_another_model_replays_its_first_result(customer):
    first = open_account(customer, key="open-1")
    again = open_account(customer, key="open-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.data == first.data
    assert again["Idempotent-Replayed"] == "true"
    assert Account.objects.filter(customer=customer).count() == 1
    completed = IdempotencyKey.objects.get()
    assert (completed.result_type, completed.result_id) == ("accounts.account", first.data["id"])


def test_another_body_with_the_same_key_is_refused(customer):
    assert open_account(customer, key="open-1").status_code == 201
    response = open_account(customer, key="open-1", currency="USD")
    assert response.status_code == 422
    assert response.data["code"] == "idempotency_key_reused"
    assert Account.objects.filter(customer=customer).count() == 1


def test_a_refused_create_frees_its_key(customer, staff_user):
    from bankcore.backoffice.operations import config_set

    config_set(name="accounts.max_per_customer", value=0, actor=staff_user)
    assert open_account(customer, key="open-1").status_code == 422
    assert not IdempotencyKey.objects.exists()
    config_set(name="accounts.max_per_customer", value=1, actor=staff_user)
    assert open_account(customer, key="open-1").status_code == 201


def test_a_replay_whose_result_the_customer_no_longer_sees_is_a_404(customer, funded_account):
    first = open_account(customer, key="open-1")
    Account.objects.filter(pk=first.data["id"]).update(customer=funded_account().customer)
    response = open_account(customer, key="open-1")
    assert response.status_code == 404
    assert response.data["code"] == "not_found"


def test_a_replay_is_never_read_as_another_model():
    from transfers.errors import IdempotencyKeyReused
    from transfers.idempotency import Replay

    with pytest.raises(IdempotencyKeyReused):
        Replay("transfers.transfer", 1).result(Account.objects.all())
