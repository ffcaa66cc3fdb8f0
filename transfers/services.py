from django.db import transaction

from accounts.models import Account, LedgerEntry, Posting, User
from accounts.services import Leg, posting_create
from audit import actions
from audit.services import audit_record
from bankcore.errors import CurrencyMismatch, DestinationNotFound, NotFound, SameAccount
from transfers.idempotency import idempotency_complete
from transfers.models import IdempotencyKey, Transfer


@transaction.atomic(durable=True)
def transfer_create(
    *,
    customer: User,
    source_account_id: int,
    destination_number: str,
    amount: int,
    currency: str,
    description: str,
    idempotency_record: IdempotencyKey | None,
) -> Transfer:
    """Move ``amount`` from the customer's account to another customer account, at once.

    One durable transaction holds the posting, the transfer, the completed idempotency
    claim and the audit event: all of them are written, or none. The API always passes a
    claimed Idempotency-Key; bankcore's own callers (demo data) may pass None.
    """
    source = Account.objects.filter(pk=source_account_id, customer=customer).first()
    if source is None:
        raise NotFound("You have no account with that id.")
    destination = Account.objects.filter(number=destination_number, customer__isnull=False).first()
    if destination is None:
        raise DestinationNotFound()
    if destination.pk == source.pk:
        raise SameAccount()
    if not (currency == source.currency == destination.currency):
        raise CurrencyMismatch(
            f"The source account holds {source.currency}, the destination {destination.currency}, "
            f"the amount is in {currency}."
        )
    posting = posting_create(
        kind=Posting.Kind.TRANSFER,
        legs=[
            Leg(source.pk, -amount, LedgerEntry.Type.TRANSFER_OUT),
            Leg(destination.pk, amount, LedgerEntry.Type.TRANSFER_IN),
        ],
        initiated_by=customer,
        description=description,
    )
    transfer = Transfer.objects.create(
        customer=customer,
        source=source,
        destination=destination,
        amount=amount,
        currency=currency,
        description=description,
        posting=posting,
    )
    if idempotency_record is not None:
        idempotency_complete(record=idempotency_record, response_status=201, transfer=transfer)
    audit_record(
        action=actions.TRANSFER_CREATED,
        actor=customer,
        target=transfer,
        after={
            "source": source.pk,
            "destination": destination.pk,
            "amount": amount,
            "currency": currency,
            "posting": posting.pk,
        },
    )
    return transfer
