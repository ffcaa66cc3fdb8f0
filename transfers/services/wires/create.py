"""A customer's wire: the screening, the hold and the decision to send it or hold it.

Every wire moves money through the ledger's posting service only:

- created: customer -> wire clearing (amount) and -> wire fees (fee), one posting, in the
  durable transaction that writes the wire, completes the Idempotency-Key and audits it;
- sent: wire clearing -> wire settlement, at once below the review threshold, else when
  compliance approves (``review``);
- rejected or cancelled: a new posting that reverses the hold, linked to it (``review``).

Locks are always taken in one order: the customer's user row (a new wire, whose limits and
structuring total span all the customer's accounts; deposits take it first too, and a
password change before it deletes the session tokens), the session's token, the
customer's source account, then the wire's row, then the bank's system accounts (by the
posting service), so no two wire paths can wait on each other.
"""

from dataclasses import dataclass

from django.utils import timezone
from knox.models import AuthToken

from accounts.locks import customer_account_lock
from accounts.models import Account, LedgerEntry, Posting, User
from accounts.services.bank_accounts import system_account
from accounts.services.ledger import Leg, debit_check, ledger_transaction, posting_create
from audit import actions
from audit.services import audit_record
from bankcore.errors import NotFound
from bankcore.events import events_publish
from bankcore.observability import phase
from kyc.errors import KycRequired
from kyc.screening.matcher import screening_run
from kyc.selectors import kyc_standing
from transfers import cache, events, metrics
from transfers.idempotency import IdempotencyClaim
from transfers.models import WireTransfer
from transfers.services.transfers import request_guards
from transfers.services.wires.beneficiary_checks import wire_beneficiary_review_reason
from transfers.services.wires.calendar import wire_value_date
from transfers.services.wires.limits import wire_customer_guard, wire_limits, wire_review_threshold_reason
from transfers.services.wires.review import (
    SYSTEM_WIRE_CLEARING,
    SYSTEM_WIRE_FEES,
    SYSTEM_WIRE_SETTLEMENT,
    wire_release_posting,
    wire_sent_audit,
)
from transfers.services.wires.settings import wire_fee


@dataclass(frozen=True)
class WireRequest:
    """What a customer asks to wire, validated by the API (or made by bankcore itself)."""

    source_account_id: int
    amount: int
    currency: str
    beneficiary_name: str
    beneficiary_account: str
    beneficiary_bic: str
    beneficiary_country: str
    beneficiary_address: str
    beneficiary_routing_number: str
    reference: str
    charge_bearer: str


def wire_create(
    *,
    customer: User,
    request: WireRequest,
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
) -> WireTransfer:
    """Hold a wire's amount and fee at once, and send it or hold it for review.

    The beneficiary is screened first (a read, outside the locks). Then one durable
    transaction locks the source account, checks KYC, the account and the limits under
    that lock (so concurrent wires cannot pass a limit together), posts the hold, writes
    the wire, completes the Idempotency-Key and audits the creation: all of it, or none.
    Below the review threshold and with no screening hit, the wire is released in the same
    transaction (``sent``); otherwise it waits in ``pending_review`` with its reason.
    """
    cache.wire_create_prefetch()
    hits = screening_run(name=request.beneficiary_name, country=request.beneficiary_country)
    return _wire_post(
        customer=customer,
        request=request,
        hits=[
            {"uid": hit.uid, "listed_name": hit.listed_name, "score": hit.score, "list": hit.list_version}
            for hit in hits
        ],
        auth_token=auth_token,
        idempotency_claim=idempotency_claim,
    )


def _review_reason(*, amount: int, currency: str, hits: list[dict], unreviewed_today: int) -> dict | None:
    if hits:
        return {
            "rule": "sanctions_screening",
            "detail": "The beneficiary resembles a listed party; compliance staff will review the wire.",
        }
    return wire_review_threshold_reason(amount=amount, currency=currency, unreviewed_today=unreviewed_today)


def _system_accounts(*, currency: str, fee: int, released: bool) -> dict[str, Account]:
    """The bank's accounts a new wire moves money through, by code, read together: wire
    clearing, wire fees when there is a fee, and wire settlement when it is sent at once.
    One not opened yet is opened (``system_account``)."""
    codes = [SYSTEM_WIRE_CLEARING]
    if fee:
        codes.append(SYSTEM_WIRE_FEES)
    if released:
        codes.append(SYSTEM_WIRE_SETTLEMENT)
    found = {
        account.system_code: account
        for account in Account.objects.filter(system_code__in=codes, currency=currency)
    }
    return {code: found.get(code) or system_account(code=code, currency=currency) for code in codes}


@ledger_transaction()
def _wire_post(
    *,
    customer: User,
    request: WireRequest,
    hits: list[dict],
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
) -> WireTransfer:
    # In one statement on PostgreSQL, in this order: the customer's row first, so their wires
    # from all their accounts are judged one at a time (before the session's token too: a
    # password change updates the row, then deletes the tokens, and a wire holding the token
    # while it waited for the row deadlocked with it); the session alive; the claim still
    # ours; then the source account.
    with phase("lock", op="db.lock", description="lock the customer and the source account"):
        source = customer_account_lock(
            account_id=request.source_account_id,
            customer_id=customer.pk,
            guards=[
                wire_customer_guard(customer_id=customer.pk),
                *request_guards(auth_token, idempotency_claim),
            ],
        )
    # Read under the customer's lock, in a statement of its own: one that waited for the lock
    # would read with the snapshot it started with.
    kyc = kyc_standing(customer_id=customer.pk)
    if kyc is None or not kyc.approved:
        raise KycRequired()
    if source is None:
        raise NotFound("You have no account with that id.")
    currency = request.currency
    fee = wire_fee(currency)
    debit_check(source, amount=request.amount + fee, currency=currency)
    now = timezone.now()
    limits = wire_limits(account=source, full_kyc=kyc.full, now=now)
    refusal = limits.refusal(request.amount)
    if refusal is not None:
        raise refusal
    # A sanctioned jurisdiction or an unverifiable bank is a reason whatever the amount.
    review_reason = wire_beneficiary_review_reason(request) or _review_reason(
        amount=request.amount, currency=currency, hits=hits, unreviewed_today=limits.unreviewed_today
    )
    # A wire below the threshold is approved by the rule itself, and sent at once.
    released = review_reason is None
    system = _system_accounts(currency=currency, fee=fee, released=released)
    clearing = system[SYSTEM_WIRE_CLEARING]
    legs = [
        Leg(source.pk, -(request.amount + fee), LedgerEntry.Type.WIRE_OUT),
        Leg(clearing.pk, request.amount, LedgerEntry.Type.WIRE_OUT),
    ]
    if fee:
        legs.append(Leg(system[SYSTEM_WIRE_FEES].pk, fee, LedgerEntry.Type.FEE))
    hold = posting_create(
        kind=Posting.Kind.WIRE,
        legs=legs,
        initiated_by=customer,
        description=f"Wire hold: {request.reference}",
        locked_accounts={source.pk: source, **{account.pk: account for account in system.values()}},
    )
    created_status = WireTransfer.Status.APPROVED if released else WireTransfer.Status.PENDING_REVIEW
    wire = WireTransfer(
        customer=customer,
        source=source,
        amount=request.amount,
        fee=fee,
        currency=currency,
        beneficiary_name=request.beneficiary_name,
        beneficiary_account=request.beneficiary_account,
        beneficiary_bic=request.beneficiary_bic,
        beneficiary_country=request.beneficiary_country,
        beneficiary_address=request.beneficiary_address,
        beneficiary_routing_number=request.beneficiary_routing_number,
        reference=request.reference,
        charge_bearer=request.charge_bearer,
        value_date=wire_value_date(now=now),
        status=created_status,
        review_reason=review_reason,
        screening_hits=hits,
        hold_posting=hold,
        created_at=now,
        updated_at=now,
    )
    release = None
    if released:
        # Sent in the row's own insert (approved -> sent): nobody sees the row before this
        # transaction commits, so no other transition can race the one written here.
        release = wire_release_posting(
            wire=wire, actor=customer, clearing=clearing, settlement=system[SYSTEM_WIRE_SETTLEMENT]
        )
        wire.status, wire.release_posting = WireTransfer.Status.SENT, release
    wire.save(force_insert=True)
    if idempotency_claim is not None:
        idempotency_claim.complete(result=wire)
    metrics.wire_state_entered(state=created_status, currency=currency, amount=wire.amount)
    audit_record(
        action=actions.WIRE_CREATED,
        actor=customer,
        target=wire,
        after={
            "source": source.pk,
            "amount": request.amount,
            "fee": fee,
            "currency": currency,
            "uetr": str(wire.uetr),
            "status": created_status,
            "review_reason": review_reason,
            "screening_hits": hits,
            "posting": hold.pk,
        },
    )
    if release is not None:
        metrics.wire_state_entered(state=WireTransfer.Status.SENT, currency=currency, amount=wire.amount)
        wire_sent_audit(wire=wire, actor=customer, release=release)
    events_publish(
        types=[
            events.WIRE_CREATED,
            *([events.WIRE_RELEASED, events.WIRE_SENT] if released else [events.WIRE_HELD]),
        ],
        customer_id=customer.pk,
        object_id=wire.pk,
    )
    cache.wires_changed(customer_id=customer.pk)
    return wire
