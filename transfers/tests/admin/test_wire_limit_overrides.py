"""An account's own wire limits, through the back office as compliance officers use it:
never on one's own or a staff member's account, never above the ceiling, and above the
defaults only with a second officer's approval."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import ApprovalRequest
from accounts.services.approvals import approval_approve
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import DomainError
from transfers.models import WireLimitOverride
from transfers.tests.helpers import daily_limit_set

pytestmark = pytest.mark.django_db

ADD = "/admin/transfers/wirelimitoverride/add/"


def _officer(email: str):
    officer = UserFactory(is_staff=True, email=email)
    officer.groups.add(Group.objects.get(name="compliance"))
    return officer


@pytest.fixture
def casey():
    return _officer("casey.compliance@example.test")


@pytest.fixture
def corey():
    return _officer("corey.compliance@example.test")


def _limits(account, **amounts) -> dict:
    form = {
        "account": account.pk,
        "per_wire_amount": "",
        "daily_amount": "",
        "monthly_amount": "",
        "daily_count": "",
        "reason": "importer with seasonal invoices",
    }
    return form | amounts


def _refusals(account):
    return list(
        AuditEvent.objects.filter(
            action=actions.WIRE_LIMITS_CHANGE_REFUSED, object_id=str(account.pk)
        ).values_list("after__refusal", flat=True)
    )


def test_an_officer_cannot_set_the_limits_of_their_own_account(casey):
    own = AccountFactory(customer=casey)
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(own, daily_amount="100.00"))
    assert response.status_code == 200
    assert "Nobody sets the wire limits of their own account." in response.content.decode()
    assert not WireLimitOverride.objects.exists()
    assert _refusals(own) == ["wire_limits_own_account"]


def test_an_officer_cannot_set_the_limits_of_a_staff_members_account(casey):
    support = UserFactory(is_staff=True, email="sam.support@example.test")
    support.groups.add(Group.objects.get(name="support"))
    staff_account = AccountFactory(customer=support)
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(staff_account, daily_amount="100.00"))
    assert "Nobody sets the wire limits of a member of staff&#x27;s account." in response.content.decode()
    assert not WireLimitOverride.objects.exists()
    assert _refusals(staff_account) == ["wire_limits_staff_account"]


@pytest.mark.parametrize(
    ("field", "value", "ceiling"),
    [("daily_amount", "1000000.01", "1000000.00"), ("daily_count", "101", "100")],
)
def test_limits_above_the_ceiling_are_refused(casey, field, value, ceiling):
    account = AccountFactory()
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(account, **{field: value}))
    assert f"may be at most {ceiling} (5 times the default)" in response.content.decode()
    assert not WireLimitOverride.objects.exists()
    assert not ApprovalRequest.objects.exists()
    assert _refusals(account) == ["wire_limits_above_ceiling"]


def test_limits_at_or_below_the_defaults_apply_at_once(casey):
    account = AccountFactory()
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(account, daily_amount="750.50", daily_count="20"))
    assert response.status_code == 302
    override = WireLimitOverride.objects.get(account=account)
    assert (override.daily, override.daily_count, override.updated_by) == (750_50, 20, casey)
    event = AuditEvent.objects.get(action=actions.WIRE_LIMITS_CHANGED)
    assert (event.actor, event.after["daily"]) == (casey, 750_50)
    assert not ApprovalRequest.objects.exists()


def test_limits_above_the_defaults_apply_only_once_a_second_officer_approves(casey, corey):
    account = AccountFactory()
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(account, daily_amount="300000.00"))
    assert response.status_code == 302
    assert not WireLimitOverride.objects.exists(), "nothing applies before the approval"
    request = ApprovalRequest.objects.get(action="transfers.wire_limits", status="pending")
    assert request.requested_by == casey
    assert AuditEvent.objects.filter(
        action=actions.WIRE_LIMITS_CHANGE_REQUESTED, actor=casey, object_id=str(account.pk)
    ).exists()
    listing = client.get("/admin/accounts/approvalrequest/").content.decode()
    assert (
        f"Wire limits of {account.number}: daily 300000.00 USD (importer with seasonal invoices)" in listing
    )

    # The requester cannot approve their own request.
    admin_post(
        client,
        "/admin/accounts/approvalrequest/",
        {"action": "approve_requests", "_selected_action": [request.pk], "note": "me again"},
    )
    request.refresh_from_db()
    assert request.status == "pending"
    assert not WireLimitOverride.objects.exists()
    refused = AuditEvent.objects.get(action=actions.APPROVAL_REFUSED, object_id=str(request.pk))
    assert (refused.actor, refused.after["refusal"]) == (casey, "approval_by_requester")

    second = admin_login(corey.email, DEFAULT_PASSWORD)
    admin_post(
        second,
        "/admin/accounts/approvalrequest/",
        {"action": "approve_requests", "_selected_action": [request.pk], "note": "invoices seen"},
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", corey)
    override = WireLimitOverride.objects.get(account=account)
    assert override.daily == 300_000_00
    applied = AuditEvent.objects.get(action=actions.WIRE_LIMITS_CHANGED)
    assert applied.after["approvers"] == [casey.pk, corey.pk]


def test_an_approver_who_owns_the_account_cannot_approve_its_raise(casey, corey):
    # A customer who is not staff yet when the raise is asked for, and is when it is approved.
    owner = UserFactory()
    account = AccountFactory(customer=owner)
    request = daily_limit_set(account=account, daily=300_000_00, actor=casey, reason="importer")
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    owner.groups.add(Group.objects.get(name="compliance"))
    with pytest.raises(DomainError) as refused:
        approval_approve(approval_id=request.pk, approver=owner, note="mine")
    assert refused.value.code == "wire_limits_own_account"
    with pytest.raises(DomainError) as refused:
        approval_approve(approval_id=request.pk, approver=corey, note="theirs")
    assert refused.value.code == "wire_limits_staff_account"
    request.refresh_from_db()
    assert request.status == "pending"
    assert not WireLimitOverride.objects.exists()


def test_a_frozen_account_is_not_raised_but_may_be_restricted(casey, corey):
    account = AccountFactory(status="frozen")
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(account, daily_amount="300000.00"))
    assert "its limits are not raised" in response.content.decode()
    assert not ApprovalRequest.objects.exists()
    assert admin_post(client, ADD, _limits(account, daily_amount="10.00")).status_code == 302
    assert WireLimitOverride.objects.get(account=account).daily == 10_00


def test_a_raise_asked_for_before_the_account_froze_is_not_applied(casey, corey):
    account = AccountFactory()
    request = daily_limit_set(account=account, daily=300_000_00, actor=casey)
    account.status = "frozen"
    account.save(update_fields=["status"])
    with pytest.raises(DomainError) as refused:
        approval_approve(approval_id=request.pk, approver=corey, note="ok")
    assert refused.value.code == "account_not_active"
    assert not WireLimitOverride.objects.exists()


def test_a_newer_change_withdraws_a_pending_raise(casey, corey):
    account = AccountFactory()
    raise_ = daily_limit_set(account=account, daily=300_000_00, actor=casey)
    daily_limit_set(account=account, daily=10_00, actor=corey, reason="fraud")
    raise_.refresh_from_db()
    assert raise_.status == "withdrawn"
    assert WireLimitOverride.objects.get(account=account).daily == 10_00


def test_setting_limits_needs_the_permission(casey):
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="support"))
    with pytest.raises(DomainError) as refused:
        daily_limit_set(account=AccountFactory(), daily=1, actor=support)
    assert refused.value.code == "permission_denied"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("daily_amount", "-1.00"),
        ("daily_amount", "1,000.00"),
        ("daily_amount", "1e5"),
        ("daily_amount", "10.001"),
        ("daily_amount", "0"),
        ("per_wire_amount", "NaN"),
        ("monthly_amount", "99999999999999999999"),
        ("daily_count", "-1"),
        ("daily_count", "2.5"),
    ],
)
def test_odd_limits_are_refused_on_the_form_and_change_nothing(casey, field, value):
    account = AccountFactory()
    client = admin_login(casey.email, DEFAULT_PASSWORD)
    response = admin_post(client, ADD, _limits(account, **{field: value}))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not WireLimitOverride.objects.exists()
    assert not ApprovalRequest.objects.exists()
