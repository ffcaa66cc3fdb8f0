"""Real threads against real PostgreSQL row locks: limits and decisions hold under races."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import Account, ApprovalRequest, Posting
from accounts.services.approvals import approval_approve
from accounts.services.signin import auth_token_issue
from accounts.tests.factories import AccountFactory, UserFactory, fund
from accounts.verification import ledger_verify
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import DomainError
from transfers.models import WireLimitOverride, WireTransfer
from transfers.services.wires.review import SYSTEM_WIRE_CLEARING, wire_approve, wire_cancel, wire_reject
from transfers.tests.helpers import SessionsHeld, daily_limit_set, kyc_approve, post_wire

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("needs PostgreSQL row locks (SQLite serialises writers)"),
]


def run_together(*calls):
    """Run each call in its own thread, released at once; returns each outcome (value or refusal)."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        try:
            return call()
        except DomainError as refusal:
            return refusal
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_20_concurrent_wires_never_pass_the_daily_limit(bearer_client, wire_settings):
    wire_settings(limit_daily={"USD": 5000})
    owner = UserFactory()
    kyc_approve(owner)
    source = fund(AccountFactory(customer=owner), 10_000_00)
    token, _ = auth_token_issue(user=owner)

    def send(amount):
        def call():
            response = post_wire(bearer_client(token=token), source, amount=amount, key=uuid.uuid4().hex)
            return response.status_code, response.json()

        return call

    # 20 wires of 300.00 to 700.00: 10,000.00 together, twice the daily limit.
    amounts = [f"{300 + 100 * (n % 5)}.00" for n in range(20)]
    with SessionsHeld() as held:
        results = run_together(*(send(amount) for amount in amounts))

    assert held.most > 10, f"at most {held.most} sessions at once: the wires did not run together"
    statuses = Counter(status for status, _ in results)
    assert set(statuses) == {201, 422}, statuses
    assert {body["code"] for status, body in results if status == 422} == {"limit_exceeded"}
    accepted = [body for status, body in results if status == 201]
    held = sum(WireTransfer.objects.filter(source=source).values_list("amount", flat=True))
    assert len(accepted) == WireTransfer.objects.count()
    assert held <= 5_000_00
    assert held > 5_000_00 - 700_00, "refused only what would not fit"
    source.refresh_from_db()
    assert source.available_balance == source.balance == 10_000_00 - held
    assert ledger_verify().ok


def test_20_concurrent_wires_of_one_customer_from_two_accounts_never_send_the_threshold_unreviewed(
    bearer_client, wire_settings
):
    wire_settings(review_threshold={"USD": 1000}, limit_daily={"USD": 3000})
    owner = UserFactory()
    kyc_approve(owner)
    accounts = [fund(AccountFactory(customer=owner), 5_000_00) for _ in range(2)]
    token, _ = auth_token_issue(user=owner)
    in_flight, most_in_flight, lock = 0, 0, threading.Lock()

    def send(account):
        def call():
            nonlocal in_flight, most_in_flight
            client = bearer_client(token=token)
            with lock:
                in_flight += 1
                most_in_flight = max(most_in_flight, in_flight)
            try:
                response = post_wire(client, account, amount="300.00", key=uuid.uuid4().hex)
            finally:
                with lock:
                    in_flight -= 1
            return response.status_code, response.json()

        return call

    # 20 wires of 300.00, ten from each account: 6,000.00 together, twice the customer's daily
    # limit, and each far below the review threshold of 1,000.00.
    with SessionsHeld() as held:
        results = run_together(*(send(accounts[n % 2]) for n in range(20)))

    assert most_in_flight >= 10, "the requests ran at the same time"
    assert held.most > 10, f"at most {held.most} sessions at once: the wires did not run together"
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 10, 422: 10}, statuses
    assert {(body["code"], body["scope"]) for status, body in results if status == 422} == {
        ("limit_exceeded", "customer")
    }
    wires = WireTransfer.objects.filter(customer=owner)
    assert sum(wires.values_list("amount", flat=True)) == 3_000_00
    assert {wire.source_id for wire in wires} == {account.pk for account in accounts}
    unreviewed = wires.filter(review_reason__isnull=True)
    assert sum(unreviewed.values_list("amount", flat=True)) == 900_00, (
        "three sent, the fourth reaches 1,000.00"
    )
    assert set(unreviewed.values_list("status", flat=True)) == {"sent"}
    held = wires.exclude(review_reason__isnull=True)
    assert {wire.review_reason["rule"] for wire in held} == {"daily_total_threshold"}
    assert set(held.values_list("status", flat=True)) == {"pending_review"}
    assert ledger_verify().ok


@pytest.fixture
def pending_wire(wire_settings, reviewer_factory):
    """A held wire, its owner and account; four eyes from 1500.00. (A test may fund 10,000.00
    in all: above that the teller's deposits wait for a second member of staff.)"""
    wire_settings(review_threshold={"USD": 100}, four_eyes_threshold={"USD": 1500})

    def make(amount="1000.00"):
        owner = UserFactory()
        kyc_approve(owner)
        source = fund(AccountFactory(customer=owner), 2_000_00)
        from transfers.services.wires.create import WireRequest, wire_create

        wire = wire_create(
            customer=owner,
            request=WireRequest(
                source_account_id=source.pk,
                amount=int(amount.replace(".", "")),
                currency="USD",
                beneficiary_name="Erika Mustermann",
                beneficiary_account="DE89370400440532013000",
                beneficiary_bic="COBADEFFXXX",
                beneficiary_country="DE",
                beneficiary_address="",
                beneficiary_routing_number="",
                reference="race",
                charge_bearer="SHAR",
            ),
            auth_token=None,
            idempotency_claim=None,
        )
        assert wire.status == "pending_review"
        return wire, owner, source

    return make


def test_approve_reject_and_cancel_at_once_have_one_outcome_and_one_posting(pending_wire, reviewer_factory):
    for _ in range(3):
        wire, owner, _source = pending_wire()
        approver, rejecter = reviewer_factory(), reviewer_factory()
        outcomes = run_together(
            lambda w=wire, a=approver: wire_approve(wire_id=w.pk, reviewer=a, note="ok"),
            lambda w=wire, r=rejecter: wire_reject(wire_id=w.pk, reviewer=r, note="no"),
            lambda w=wire, o=owner: wire_cancel(customer=o, wire_id=w.pk),
        )
        winners = [outcome for outcome in outcomes if isinstance(outcome, WireTransfer)]
        assert len(winners) == 1, outcomes
        assert all(outcome.code == "invalid_state" for outcome in outcomes if outcome not in winners)
        wire.refresh_from_db()
        assert wire.status == winners[0].status
        later = Posting.objects.filter(
            pk__gt=wire.hold_posting_id,
            entries__account=Account.objects.get(system_code=SYSTEM_WIRE_CLEARING, currency="USD"),
        ).distinct()
        assert later.count() == 1, "one release or one reversal, never both"
    assert ledger_verify().ok


def test_one_staff_member_approving_twice_at_once_never_sends_a_four_eyes_wire(
    pending_wire, reviewer_factory
):
    wire, _, _ = pending_wire("1600.00")
    reviewer = reviewer_factory()
    outcomes = run_together(
        *(lambda: wire_approve(wire_id=wire.pk, reviewer=reviewer, note="me") for _ in range(4))
    )
    # One approval is recorded as the first of two; the others are refused as the second by
    # the same person, not for any other reason.
    recorded = [outcome for outcome in outcomes if isinstance(outcome, WireTransfer)]
    assert len(recorded) == 1, outcomes
    assert [outcome.code for outcome in outcomes if outcome not in recorded] == ["approval_by_requester"] * 3
    wire.refresh_from_db()
    assert wire.status == "pending_review"
    assert wire.release_posting_id is None
    assert wire.approval.requested_by == reviewer
    assert wire.approval.status == ApprovalRequest.Status.PENDING
    assert (
        AuditEvent.objects.filter(action=actions.WIRE_APPROVAL_REQUESTED, object_id=str(wire.pk)).count() == 1
    )


def test_two_staff_members_approving_a_four_eyes_wire_send_it_once(pending_wire, reviewer_factory):
    wire, _, _ = pending_wire("1600.00")
    first, second, third = reviewer_factory(), reviewer_factory(), reviewer_factory()
    wire_approve(wire_id=wire.pk, reviewer=first, note="first")
    outcomes = run_together(
        lambda: wire_approve(wire_id=wire.pk, reviewer=second, note="second"),
        lambda: wire_approve(wire_id=wire.pk, reviewer=third, note="second too"),
    )
    wire.refresh_from_db()
    assert wire.status == "sent"
    assert sum(isinstance(outcome, WireTransfer) for outcome in outcomes) == 1, outcomes
    assert {outcome.code for outcome in outcomes if not isinstance(outcome, WireTransfer)} <= {
        "approval_already_decided",
        "invalid_state",
    }
    assert Posting.objects.filter(pk__gt=wire.hold_posting_id).count() == 1
    assert ledger_verify().ok


def _raise_requested(limits_officer_factory):

    account = AccountFactory()
    request = daily_limit_set(
        account=account, daily=300_000_00, actor=limits_officer_factory(), reason="importer"
    )
    return account, request


def test_two_officers_approving_one_raise_at_once_apply_it_once(limits_officer_factory):
    account, request = _raise_requested(limits_officer_factory)
    approvers = [limits_officer_factory(), limits_officer_factory()]
    outcomes = run_together(
        *(
            lambda a=approver: approval_approve(approval_id=request.pk, approver=a, note="ok")
            for approver in approvers
        )
    )
    refusals = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert [refusal.code for refusal in refusals] == ["approval_already_decided"], outcomes
    assert WireLimitOverride.objects.get(account=account).daily == 300_000_00
    assert AuditEvent.objects.filter(action=actions.WIRE_LIMITS_CHANGED).count() == 1


def test_a_restriction_racing_the_approval_of_a_raise_is_the_last_word(limits_officer_factory):

    for _ in range(3):
        account, request = _raise_requested(limits_officer_factory)
        approver, restricter = limits_officer_factory(), limits_officer_factory()
        outcomes = run_together(
            lambda r=request, a=approver: approval_approve(approval_id=r.pk, approver=a, note="ok"),
            lambda acc=account, who=restricter: daily_limit_set(
                account=acc, daily=10_00, actor=who, reason="fraud"
            ),
        )
        assert not isinstance(outcomes[1], DomainError), outcomes
        # Approved first and then restricted, or withdrawn by the restriction and then refused:
        # never the raise over the newer restriction, and no deadlock.
        assert isinstance(outcomes[0], ApprovalRequest) or outcomes[0].code == "approval_already_decided"
        assert WireLimitOverride.objects.get(account=account).daily == 10_00


def test_a_password_change_while_a_wire_waits_for_its_customer_ends_the_session_without_a_deadlock(
    bearer_client,
):
    """A wire takes its customer's row before its session's token: a password change takes the
    row (its update) before deleting the tokens, so the other order deadlocked the two."""
    from django.db import transaction

    from accounts.models import User
    from accounts.services.signin import user_change_password
    from accounts.tests.factories import DEFAULT_PASSWORD
    from transfers.services.wires.limits import wire_customer_lock
    from transfers.tests.helpers import Request, held_up, lock_waiters, wait_until

    owner = UserFactory()
    kyc_approve(owner)
    source = fund(AccountFactory(customer=owner), 1_000_00)
    token, _ = auth_token_issue(user=owner)

    def change_password():
        # The service with the customer's own row: the API's request.user is the cached
        # session's, which the threads of one process share.
        user_change_password(
            user=User.objects.get(pk=owner.pk),
            current_password=DEFAULT_PASSWORD,
            new_password="another-Horse-staple-7",
        )
        return "changed"

    def send_wire():
        response = post_wire(bearer_client(token=token), source, amount="10.00")
        return response.status_code, response.json()

    with transaction.atomic():
        # Another wire of the customer's is being judged: it holds their row. The password
        # change queues for the row first, the wire behind it.
        wire_customer_lock(customer_id=owner.pk)
        changing = Request(change_password)
        wait_until(lambda: len(lock_waiters()) == 1)
        wiring = Request(send_wire)
        wait_until(lambda: held_up(wiring, 1))
    changing.join(30)
    wiring.join(30)

    assert changing.result == "changed", changing.result
    assert wiring.result[0] == 401, wiring.result
    assert wiring.result[1]["code"] == "authentication_failed"
    assert not WireTransfer.objects.exists()
    assert ledger_verify().ok


def test_a_wire_that_waits_while_staff_deactivate_its_customer_is_refused(bearer_client):
    """A wire's locks are one statement on PostgreSQL, which reads with the snapshot it
    started with; one that waited for its customer's row while staff deactivated them must
    still see the deactivation (its first lock re-reads the row it waited for)."""
    from django.db import transaction

    from accounts.services.users import user_set_active
    from transfers.tests.helpers import Request, held_up, wait_until

    owner = UserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    kyc_approve(owner)
    source = fund(AccountFactory(customer=owner), 1_000_00)
    token, _ = auth_token_issue(user=owner)

    def send_wire():
        response = post_wire(bearer_client(token=token), source, amount="10.00")
        return response.status_code, response.json()

    with transaction.atomic():
        user_set_active(user=owner, actor=superuser, is_active=False, reason="account takeover")
        wiring = Request(send_wire)
        wait_until(lambda: held_up(wiring, 0))  # the wire waits for the customer's row
    wiring.join(30)

    assert wiring.result[0] == 401, wiring.result
    assert wiring.result[1]["code"] == "authentication_failed"
    assert not WireTransfer.objects.exists()
    assert ledger_verify().ok


def test_a_wire_whose_session_expires_while_it_waits_for_its_customer_is_refused(bearer_client):
    """The session's expiry is judged when its guard runs, after any wait for the customer's
    row, not when the statement was built."""
    import datetime
    import time

    from django.db import transaction
    from knox.models import AuthToken

    from transfers.services.wires.limits import wire_customer_lock
    from transfers.tests.helpers import Request, held_up, wait_until

    owner = UserFactory()
    kyc_approve(owner)
    source = fund(AccountFactory(customer=owner), 1_000_00)
    _, token = AuthToken.objects.create(user=owner, expiry=datetime.timedelta(seconds=2))

    def send_wire():
        response = post_wire(bearer_client(token=token), source, amount="10.00")
        return response.status_code, response.json()

    with transaction.atomic():
        wire_customer_lock(customer_id=owner.pk)  # another wire of the customer's is being judged
        wiring = Request(send_wire)
        wait_until(lambda: held_up(wiring, 0))  # signed in, and waiting for the customer's row
        time.sleep(2.5)  # the session expires meanwhile
    wiring.join(30)

    assert wiring.result[0] == 401, wiring.result
    assert not WireTransfer.objects.exists()
