import uuid

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Account, LedgerEntry
from accounts.tests.factories import AccountFactory, UserFactory, fund
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_deposit_posts_through_the_ledger_and_is_audited(client, compliance):
    account = AccountFactory()
    response = client.post(
        f"/admin/accounts/account/{account.pk}/deposit/",
        {"amount": "250.00", "reason": "cash at branch 12", "token": uuid.uuid4()},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.balance == 250_00
    event = AuditEvent.objects.get(action=actions.DEPOSIT_POSTED)
    assert (event.actor, event.after["reason"]) == (compliance, "cash at branch 12")


@pytest.mark.parametrize("amount", ["-5", "0", "1.001", "abc", "1e3"])
def test_staff_deposit_refuses_bad_amounts(client, compliance, amount):
    account = AccountFactory()
    response = client.post(
        f"/admin/accounts/account/{account.pk}/deposit/",
        {"amount": amount, "reason": "x", "token": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert not LedgerEntry.objects.exists()


def test_deposit_needs_its_permission(client):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename="view_account"))
    client.force_login(clerk)
    account = AccountFactory()
    response = client.post(
        f"/admin/accounts/account/{account.pk}/deposit/",
        {"amount": "5.00", "reason": "x", "token": uuid.uuid4()},
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


def test_freeze_and_unfreeze_actions_are_audited(client, compliance):
    account = AccountFactory()
    for action, status in (("freeze_accounts", "frozen"), ("unfreeze_accounts", "active")):
        response = client.post(
            "/admin/accounts/account/",
            {"action": action, "_selected_action": [account.pk], "reason": "review"},
        )
        assert response.status_code == 302
        account.refresh_from_db()
        assert account.status == status
    events = AuditEvent.objects.filter(object_type="accounts.account", object_id=str(account.pk)).order_by(
        "id"
    )
    assert [(e.action, e.before, e.after, e.actor) for e in events] == [
        (actions.ACCOUNT_FROZEN, {"status": "active"}, {"status": "frozen", "reason": "review"}, compliance),
        (
            actions.ACCOUNT_UNFROZEN,
            {"status": "frozen"},
            {"status": "active", "reason": "review"},
            compliance,
        ),
    ]


def test_the_accounts_list_asks_staff_for_the_reason_of_a_freeze(client, compliance):
    page = client.get("/admin/accounts/account/").content.decode()
    assert 'name="reason"' in page
    assert "Reason (recorded in the audit log)" in page


@pytest.mark.parametrize("action", ["freeze_accounts", "unfreeze_accounts"])
def test_a_freeze_without_a_reason_changes_nothing(client, compliance, action):
    account = AccountFactory()
    response = client.post(
        "/admin/accounts/account/",
        {"action": action, "_selected_action": [account.pk], "reason": "  "},
        follow=True,
    )
    assert "Give a reason" in response.content.decode()
    account.refresh_from_db()
    assert account.status == Account.Status.ACTIVE
    assert not AuditEvent.objects.filter(object_type="accounts.account").exists()


def test_ledger_and_accounts_are_read_only_in_admin(client, compliance):
    account = fund(AccountFactory(), 100_00)
    entry = LedgerEntry.objects.filter(account=account).get()
    assert client.get(f"/admin/accounts/account/{account.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/ledgerentry/{entry.pk}/change/").status_code == 200
    client.post(f"/admin/accounts/account/{account.pk}/change/", {"balance": "999999"})
    account.refresh_from_db()
    assert account.balance == 100_00
    assert client.get(f"/admin/accounts/account/{account.pk}/delete/").status_code == 403
    assert client.get(f"/admin/accounts/ledgerentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/accounts/account/add/").status_code == 403


def test_system_accounts_cannot_be_frozen_or_given_deposits(client, compliance):
    from accounts.services.bank_accounts import system_account

    cash = system_account(code="cash", currency="USD")
    client.post("/admin/accounts/account/", {"action": "freeze_accounts", "_selected_action": [cash.pk]})
    assert Account.objects.get(pk=cash.pk).status == "active"
    assert client.get(f"/admin/accounts/account/{cash.pk}/deposit/").status_code == 404


def test_approval_requests_read_as_what_they_would_do_and_a_refused_approval_claims_no_success():
    from django.contrib.auth.models import Permission

    from accounts.models import ApprovalRequest, User
    from accounts.services.deposits import deposit_create
    from accounts.tests.factories import AccountFactory
    from accounts.tests.helpers import admin_login, admin_post

    teller = User.objects.create_user("teller@example.test", "teller-Pass-2026-x", is_staff=True)
    teller.user_permissions.set(
        Permission.objects.filter(
            codename__in=["post_deposit", "approve_deposit", "view_approvalrequest", "view_account"]
        )
    )
    teller = User.objects.get(pk=teller.pk)
    account = AccountFactory()
    request = deposit_create(account=account, amount=25_000_00, reason="Branch 7 cash", actor=teller)
    assert isinstance(request, ApprovalRequest)
    client = admin_login(teller.email, "teller-Pass-2026-x")

    listing = client.get("/admin/accounts/approvalrequest/").content.decode()
    assert f"Deposit 25000.00 USD to {account.number}: Branch 7 cash" in listing
    assert '"account":' not in listing

    response = admin_post(
        client,
        "/admin/accounts/approvalrequest/",
        {"action": "approve_requests", "_selected_action": [request.pk], "note": "", "index": 0},
    )
    levels = [message.level_tag for message in response.wsgi_request._messages]
    assert levels == ["error"]  # the requester cannot approve: no "Approved 0 request(s)."


def test_the_deposit_page_shows_the_balance_in_the_currencys_units_and_leads_back(client):
    from accounts.models import User
    from accounts.tests.factories import AccountFactory, fund

    account = fund(AccountFactory(), 707_50)
    client.force_login(User.objects.create_superuser("root@example.test", "root-Pass-2026-x"))

    page = client.get(f"/admin/accounts/account/{account.pk}/deposit/").content.decode()

    assert "balance 707.50 USD" in page
    assert f'href="/admin/accounts/account/{account.pk}/change/"' in page
