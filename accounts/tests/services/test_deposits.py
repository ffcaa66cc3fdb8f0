import uuid

import pytest
from django.contrib.auth.models import Permission

from accounts.errors import (
    AccountNotActive,
    ApprovalAlreadyDecided,
    ApprovalByRequester,
    DepositLimitExceeded,
    DepositNotAllowed,
    FormAlreadySubmitted,
)
from accounts.models import Account, ApprovalRequest, LedgerEntry, Posting, User
from accounts.services.approvals import approval_approve, approval_reject
from accounts.services.bank_accounts import account_freeze
from accounts.services.deposits import deposit_create
from accounts.tests.factories import AccountFactory, UserFactory
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.operations import config_set
from bankcore.errors import NotPermitted, ReasonRequired

pytestmark = pytest.mark.django_db

OVER_THRESHOLD = 10_000_01  # USD 10,000.01: the default threshold is USD 10,000


def _staff(email: str, *codenames: str) -> User:
    member = UserFactory(email=email, is_staff=True)
    member.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=member.pk)


@pytest.fixture
def teller():
    return _staff("teller-a@example.test", "post_deposit", "view_account")


@pytest.fixture
def approver():
    return _staff("approver@example.test", "approve_deposit", "view_approvalrequest")


def _balance(account: Account) -> int:
    return Account.objects.get(pk=account.pk).balance


def test_deposit_above_the_threshold_waits_for_approval_and_posts_nothing(teller):
    account = AccountFactory()
    outcome = deposit_create(account=account, amount=OVER_THRESHOLD, reason="branch 3", actor=teller)
    assert isinstance(outcome, ApprovalRequest)
    assert (outcome.status, outcome.requested_by, outcome.action) == ("pending", teller, "accounts.deposit")
    assert outcome.payload == {
        "account": account.pk,
        "account_number": account.number,
        "amount": "10000.01",
        "currency": "USD",
        "reason": "branch 3",
    }
    assert _balance(account) == 0
    assert not Posting.objects.exists()
    event = AuditEvent.objects.get(action=actions.APPROVAL_REQUESTED)
    assert (event.actor, event.object_id) == (teller, str(outcome.pk))


def test_deposit_at_the_threshold_posts_at_once(teller):
    account = AccountFactory()
    outcome = deposit_create(account=account, amount=10_000_00, reason="branch 3", actor=teller)
    assert isinstance(outcome, Posting)
    assert _balance(account) == 10_000_00


def test_deposits_split_below_the_threshold_need_approval_once_the_day_passes_it(teller):
    accounts = [AccountFactory() for _ in range(5)]
    outcomes = [
        deposit_create(account=account, amount=2_500_00, reason="x", actor=teller) for account in accounts
    ]
    assert [type(outcome) for outcome in outcomes] == [Posting] * 4 + [ApprovalRequest]
    assert sum(_balance(account) for account in accounts) == 10_000_00
    # One cent more today, in any account, waits for a second member of staff too.
    outcome = deposit_create(account=accounts[0], amount=1, reason="x", actor=teller)
    assert isinstance(outcome, ApprovalRequest)


def test_the_day_s_allowance_without_approval_is_per_member_of_staff_and_currency(teller):
    deposit_create(account=AccountFactory(), amount=10_000_00, reason="x", actor=teller)
    eur = AccountFactory(currency="EUR")
    assert isinstance(deposit_create(account=eur, amount=10_000_00, reason="x", actor=teller), Posting)
    other_teller = _staff("teller-b@example.test", "post_deposit")
    assert isinstance(
        deposit_create(account=AccountFactory(), amount=10_000_00, reason="x", actor=other_teller), Posting
    )


def test_approved_deposits_leave_the_day_s_allowance_without_approval_untouched(teller, approver):
    request = deposit_create(account=AccountFactory(), amount=OVER_THRESHOLD, reason="x", actor=teller)
    approval_approve(approval_id=request.pk, approver=approver)
    outcome = deposit_create(account=AccountFactory(), amount=10_000_00, reason="x", actor=teller)
    assert isinstance(outcome, Posting)


def test_approval_posts_the_deposit_as_its_requester_and_audits_both(teller, approver):
    account = AccountFactory()
    request = deposit_create(account=account, amount=OVER_THRESHOLD, reason="branch 3", actor=teller)
    approved = approval_approve(approval_id=request.pk, approver=approver, note="checked the slip")
    assert (approved.status, approved.decided_by) == ("approved", approver)
    assert _balance(account) == OVER_THRESHOLD
    posting = Posting.objects.get(kind="deposit")
    assert posting.initiated_by == teller
    posted = AuditEvent.objects.get(action=actions.DEPOSIT_POSTED)
    assert (posted.actor, posted.after["approval"], posted.after["amount"]) == (
        teller,
        request.pk,
        OVER_THRESHOLD,
    )
    decision = AuditEvent.objects.get(action=actions.APPROVAL_APPROVED)
    assert decision.actor == approver
    assert decision.after == {
        "status": "approved",
        "action": "accounts.deposit",
        "note": "checked the slip",
        "posting": posting.pk,
    }


def test_the_requester_can_never_approve_their_own_deposit(teller):
    teller.user_permissions.add(Permission.objects.get(codename="approve_deposit"))
    teller = User.objects.get(pk=teller.pk)
    request = deposit_create(account=AccountFactory(), amount=OVER_THRESHOLD, reason="x", actor=teller)
    with pytest.raises(ApprovalByRequester):
        approval_approve(approval_id=request.pk, approver=teller)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "pending"
    assert not Posting.objects.exists()


def test_the_approver_needs_the_approve_permission(teller):
    request = deposit_create(account=AccountFactory(), amount=OVER_THRESHOLD, reason="x", actor=teller)
    other_teller = _staff("teller-b@example.test", "post_deposit")
    with pytest.raises(NotPermitted):
        approval_approve(approval_id=request.pk, approver=other_teller)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "pending"


def test_a_decided_request_cannot_be_decided_again(teller, approver):
    request = deposit_create(account=AccountFactory(), amount=OVER_THRESHOLD, reason="x", actor=teller)
    second = _staff("approver-2@example.test", "approve_deposit")
    approval_approve(approval_id=request.pk, approver=approver)
    with pytest.raises(ApprovalAlreadyDecided):
        approval_approve(approval_id=request.pk, approver=second)
    with pytest.raises(ApprovalAlreadyDecided):
        approval_reject(approval_id=request.pk, approver=second, note="too late")
    assert Posting.objects.filter(kind="deposit").count() == 1


def test_rejection_needs_a_reason_posts_nothing_and_is_audited(teller, approver):
    account = AccountFactory()
    request = deposit_create(account=account, amount=OVER_THRESHOLD, reason="x", actor=teller)
    with pytest.raises(ReasonRequired):
        approval_reject(approval_id=request.pk, approver=approver, note=" ")
    approval_reject(approval_id=request.pk, approver=approver, note="no slip")
    assert ApprovalRequest.objects.get(pk=request.pk).status == "rejected"
    assert _balance(account) == 0
    event = AuditEvent.objects.get(action=actions.APPROVAL_REJECTED)
    assert (event.actor, event.after["note"]) == (approver, "no slip")


def test_an_approval_the_ledger_refuses_keeps_the_request_pending(teller, approver):
    account = AccountFactory()
    request = deposit_create(account=account, amount=OVER_THRESHOLD, reason="x", actor=teller)
    account_freeze(account=account, actor=approver, reason="court order")
    with pytest.raises(AccountNotActive):
        approval_approve(approval_id=request.pk, approver=approver)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "pending"
    assert not AuditEvent.objects.filter(action=actions.APPROVAL_APPROVED).exists()


def test_deposits_never_go_to_the_actor_any_staff_member_or_a_system_account(teller):
    from accounts.services.bank_accounts import system_account

    colleague = _staff("colleague@example.test")
    superuser = User.objects.create_superuser("root@example.test", "root-Pass-2026-x")
    for account in (
        AccountFactory(customer=teller),
        AccountFactory(customer=colleague),
        AccountFactory(customer=superuser),
        system_account(code="cash", currency="USD"),
    ):
        for amount in (1_00, OVER_THRESHOLD):
            with pytest.raises(DepositNotAllowed):
                deposit_create(account=account, amount=amount, reason="x", actor=teller)
    assert not Posting.objects.exists()
    assert not ApprovalRequest.objects.exists()


def test_deposits_need_the_post_deposit_permission():
    clerk = _staff("clerk@example.test", "view_account")
    with pytest.raises(NotPermitted):
        deposit_create(account=AccountFactory(), amount=1_00, reason="x", actor=clerk)
    assert not Posting.objects.exists()


def test_the_daily_limit_per_staff_member_counts_approved_deposits(teller, approver):
    config_set(name="deposits.approval_threshold", value={"USD": 50}, actor=approver)
    config_set(name="deposits.daily_limit_per_staff", value={"USD": 100}, actor=approver)
    account = AccountFactory()
    request = deposit_create(account=account, amount=60_00, reason="x", actor=teller)
    approval_approve(approval_id=request.pk, approver=approver)
    with pytest.raises(DepositLimitExceeded) as refused:
        deposit_create(account=AccountFactory(), amount=40_01, reason="x", actor=teller)
    assert refused.value.extra == {"remaining": "40.00"}
    deposit_create(account=AccountFactory(), amount=40_00, reason="x", actor=teller)
    other_teller = _staff("teller-b@example.test", "post_deposit")
    deposit_create(account=AccountFactory(), amount=50_00, reason="x", actor=other_teller)


def test_an_approval_that_would_pass_the_daily_limit_is_refused(teller, approver):
    config_set(name="deposits.daily_limit_per_staff", value={"USD": 15_000}, actor=approver)
    account = AccountFactory()
    first = deposit_create(account=account, amount=OVER_THRESHOLD, reason="x", actor=teller)
    second = deposit_create(account=account, amount=OVER_THRESHOLD, reason="x", actor=teller)
    approval_approve(approval_id=first.pk, approver=approver)
    with pytest.raises(DepositLimitExceeded):
        approval_approve(approval_id=second.pk, approver=approver)
    assert _balance(account) == OVER_THRESHOLD
    assert ApprovalRequest.objects.get(pk=second.pk).status == "pending"


def test_more_than_the_daily_limit_is_refused_before_any_approval(teller):
    with pytest.raises(DepositLimitExceeded):
        deposit_create(account=AccountFactory(), amount=10**16, reason="x", actor=teller)
    assert not ApprovalRequest.objects.exists()


def test_limits_are_whole_units_of_each_currency_whatever_its_decimals(teller):
    kwd = AccountFactory(currency="KWD")
    assert isinstance(deposit_create(account=kwd, amount=3_000_000, reason="x", actor=teller), Posting)
    assert isinstance(
        deposit_create(account=kwd, amount=3_000_001, reason="x", actor=teller), ApprovalRequest
    )
    jpy = AccountFactory(currency="JPY")
    assert isinstance(deposit_create(account=jpy, amount=1_500_000, reason="x", actor=teller), Posting)
    assert isinstance(
        deposit_create(account=jpy, amount=1_500_001, reason="x", actor=teller), ApprovalRequest
    )


def test_a_currency_the_limits_leave_out_takes_no_deposits(teller, approver):
    config_set(name="deposits.daily_limit_per_staff", value={"USD": 100}, actor=approver)
    with pytest.raises(DepositLimitExceeded):
        deposit_create(account=AccountFactory(currency="EUR"), amount=1, reason="x", actor=teller)


def test_a_currency_the_threshold_leaves_out_needs_approval_for_every_deposit(teller, approver):
    config_set(name="deposits.approval_threshold", value={"EUR": 10_000}, actor=approver)
    assert isinstance(
        deposit_create(account=AccountFactory(), amount=1, reason="x", actor=teller), ApprovalRequest
    )


def test_one_form_token_posts_once(teller):
    account = AccountFactory()
    token = uuid.uuid4()
    deposit_create(account=account, amount=5_00, reason="x", actor=teller, form_token=token)
    with pytest.raises(FormAlreadySubmitted):
        deposit_create(account=account, amount=5_00, reason="x", actor=teller, form_token=token)
    assert _balance(account) == 5_00


def test_a_refused_deposit_leaves_its_form_token_unspent(teller):
    account = AccountFactory()
    token = uuid.uuid4()
    with pytest.raises(DepositLimitExceeded):
        deposit_create(account=account, amount=10**16, reason="x", actor=teller, form_token=token)
    deposit_create(account=account, amount=5_00, reason="x", actor=teller, form_token=token)
    assert _balance(account) == 5_00


# The back office ---------------------------------------------------------------------------


def _deposit_form(client, account) -> dict:
    page = client.get(f"/admin/accounts/account/{account.pk}/deposit/")
    assert page.status_code == 200
    return {"token": page.context["form"]["token"].value()}


def test_submitting_the_same_deposit_form_twice_posts_once(teller):
    account = AccountFactory()
    client = admin_login(teller.email, "correct-horse-Battery-9")
    form = {**_deposit_form(client, account), "amount": "250.00", "reason": "cash at branch 12"}
    url = f"/admin/accounts/account/{account.pk}/deposit/"
    first = client.post(url, {**form, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    second = client.post(url, {**form, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert first.status_code == 302
    assert second.status_code == 200
    assert "already submitted" in second.content.decode()
    assert _balance(account) == 250_00
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_each_opening_of_the_deposit_form_has_a_new_token(teller):
    account = AccountFactory()
    client = admin_login(teller.email, "correct-horse-Battery-9")
    assert _deposit_form(client, account) != _deposit_form(client, account)


def test_a_huge_deposit_in_admin_posts_nothing(teller):
    account = AccountFactory()
    client = admin_login(teller.email, "correct-horse-Battery-9")
    response = admin_post(
        client,
        f"/admin/accounts/account/{account.pk}/deposit/",
        {**_deposit_form(client, account), "amount": "100000000000000.00", "reason": "x"},
    )
    assert response.status_code == 200
    assert "more today" in response.content.decode()
    assert _balance(account) == 0
    assert not ApprovalRequest.objects.exists()


def test_a_large_deposit_in_admin_waits_and_a_second_staff_member_approves_it_there(teller, approver):
    account = AccountFactory()
    client = admin_login(teller.email, "correct-horse-Battery-9")
    response = admin_post(
        client,
        f"/admin/accounts/account/{account.pk}/deposit/",
        {**_deposit_form(client, account), "amount": "12000.00", "reason": "cash at branch 12"},
    )
    assert response.status_code == 302
    assert _balance(account) == 0
    request = ApprovalRequest.objects.get()

    approver_client = admin_login(approver.email, "correct-horse-Battery-9")
    listing = approver_client.get("/admin/accounts/approvalrequest/?status__exact=pending")
    assert listing.status_code == 200
    assert account.number in listing.content.decode()
    response = admin_post(
        approver_client,
        "/admin/accounts/approvalrequest/",
        {"action": "approve_requests", "_selected_action": [request.pk], "note": "slip seen"},
    )
    assert response.status_code == 302
    assert _balance(account) == 12_000_00
    assert ApprovalRequest.objects.get().decided_by == approver


def test_staff_cannot_approve_their_own_request_in_admin(teller):
    teller.user_permissions.add(
        *Permission.objects.filter(codename__in=["approve_deposit", "view_approvalrequest"])
    )
    request = deposit_create(account=AccountFactory(), amount=OVER_THRESHOLD, reason="x", actor=teller)
    client = admin_login(teller.email, "correct-horse-Battery-9")
    admin_post(
        client,
        "/admin/accounts/approvalrequest/",
        {"action": "approve_requests", "_selected_action": [request.pk], "note": ""},
    )
    assert ApprovalRequest.objects.get().status == "pending"
    assert not Posting.objects.exists()
