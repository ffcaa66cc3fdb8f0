"""The generated Python client (clients/python, written by `make client`) against a live
bankcore: a customer signs in, lists their accounts, makes a transfer with an
Idempotency-Key, retries it, is refused an overdraft, and reads both balances, all through
the client as an integrator would."""

from http import HTTPStatus

import pytest
from bankcore_client import AuthenticatedClient, Client
from bankcore_client.api.accounts import accounts_balance_retrieve, accounts_list
from bankcore_client.api.auth import auth_login_create
from bankcore_client.api.transfers import transfers_create
from bankcore_client.models import (
    BalanceOutput,
    CurrencyEnum,
    Error,
    LoginInputRequest,
    PaginatedAccountOutputList,
    SessionOutput,
    TransferInputRequest,
    TransferOutput,
    TransferOutputStatusEnum,
)

# The live server's thread reads what the test commits.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_signs_in_and_moves_money_with_the_generated_client(
    live_server, customer, customer_password, funded_account
):
    checking = funded_account(customer=customer, balance=100_00)
    savings = funded_account(customer=customer, balance=5_00, kind="savings")

    # An undocumented status raises: the schema's list of answers is part of what is checked.
    with Client(base_url=live_server.url, raise_on_unexpected_status=True) as anonymous:
        session = auth_login_create.sync(
            client=anonymous, body=LoginInputRequest(email=customer.email, password=customer_password)
        )
    assert isinstance(session, SessionOutput), session
    assert session.user.email == customer.email

    with AuthenticatedClient(
        base_url=live_server.url, token=session.token, raise_on_unexpected_status=True
    ) as client:
        accounts = accounts_list.sync(client=client)
        assert isinstance(accounts, PaginatedAccountOutputList), accounts
        listed = {account.number: account for account in accounts.results}
        assert set(listed) == {checking.number, savings.number}
        assert listed[checking.number].balance == "100.00"
        assert listed[savings.number].currency is CurrencyEnum.USD

        body = TransferInputRequest(
            source_account=listed[checking.number].id,
            destination_account_number=savings.number,
            amount="25.00",
            currency=CurrencyEnum.USD,
            description="Savings, November",
        )
        sent = transfers_create.sync_detailed(client=client, body=body, idempotency_key="client-savings-11")
        assert sent.status_code == HTTPStatus.CREATED
        transfer = sent.parsed
        assert isinstance(transfer, TransferOutput), transfer
        assert transfer.status is TransferOutputStatusEnum.COMPLETED
        assert (transfer.amount, transfer.destination_account_number) == ("25.00", savings.number)

        # A retry with the same key and body replays the answer and moves nothing more.
        again = transfers_create.sync_detailed(client=client, body=body, idempotency_key="client-savings-11")
        assert again.status_code == HTTPStatus.CREATED
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.parsed.id == transfer.id

        # A refusal is answered as the API's Error, not raised.
        overdraft = TransferInputRequest(
            source_account=listed[checking.number].id,
            destination_account_number=savings.number,
            amount="75.01",
            currency=CurrencyEnum.USD,
        )
        refused = transfers_create.sync_detailed(client=client, body=overdraft, idempotency_key="client-over")
        assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert isinstance(refused.parsed, Error)
        assert refused.parsed.code == "insufficient_funds"

        balances = {
            account.number: accounts_balance_retrieve.sync(str(account.pk), client=client)
            for account in (checking, savings)
        }
    assert all(isinstance(balance, BalanceOutput) for balance in balances.values()), balances
    assert balances[checking.number].balance == "75.00"
    assert balances[checking.number].available_balance == "75.00"
    assert balances[savings.number].balance == "30.00"
