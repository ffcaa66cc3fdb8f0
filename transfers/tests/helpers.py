from accounts.models import Account
from transfers.models import Transfer
from transfers.services import transfer_create


def transfer(source: Account, destination: Account, amount: int, description: str = "") -> Transfer:
    """An internal transfer through the real service, as the source's owner."""
    return transfer_create(
        customer=source.customer,
        source_account_id=source.pk,
        destination_number=destination.number,
        amount=amount,
        currency=source.currency,
        description=description,
        auth_token=None,
        idempotency_claim=None,
    )


def api_transfer(
    client, source: Account, destination_number: str, amount: str, *, key: str, currency: str = "USD"
):
    """POST /api/transfers as the client's customer; returns the response."""
    return client.post(
        "/api/transfers",
        {
            "source_account": source.pk,
            "destination_account_number": destination_number,
            "amount": amount,
            "currency": currency,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
