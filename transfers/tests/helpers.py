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
        idempotency_record=None,
    )
