"""What the staff roles' back-office pages cost in SQL, whatever a customer holds."""

import pytest

from accounts.models import Account, ApprovalRequest
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, fund
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.tests.helpers import _member
from kyc.models import KycProfile, KycStatus
from transfers.models import WireTransfer
from transfers.tests.helpers import kyc_approve, post_wire

pytestmark = pytest.mark.django_db


def test_compliance_decides_kyc_and_deposits_but_cannot_freeze(objects, django_assert_max_num_queries):
    member = _member("compliance")
    client = admin_login(member.email, DEFAULT_PASSWORD)
    admin_post(
        client,
        "/admin/kyc/kycreviewqueue/",
        {"action": "approve", "_selected_action": [objects["profile"].pk]},
    )
    assert KycProfile.objects.get(pk=objects["profile"].pk).status == KycStatus.APPROVED
    assert AuditEvent.objects.get(action=actions.KYC_APPROVED).actor == member
    account = objects["account"]
    admin_post(
        client,
        "/admin/accounts/account/",
        {"action": "freeze_accounts", "_selected_action": [account.pk], "reason": "no"},
    )
    assert Account.objects.get(pk=account.pk).status == Account.Status.ACTIVE
    assert not ApprovalRequest.objects.exists()
    page = client.get(f"/admin/accounts/user/{objects['customer'].pk}/change/").content.decode()
    for shown in ("Accounts", "KYC", "Recent audit events", account.number, "/admin/kyc/kycprofile/"):
        assert shown in page


def test_a_customers_page_costs_the_same_queries_whatever_they_hold(
    objects, client, django_assert_num_queries, bearer_client
):
    member = _member("compliance")
    client.force_login(member)
    customer = objects["customer"]
    url = f"/admin/accounts/user/{customer.pk}/change/"
    client.get(url)
    # session, user, the session's second-factor device, permissions (2), the user, its groups
    # and permissions for the form, the accounts, the KYC profile, the wires, the audit
    # section's accounts, profile, documents and wires, events
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200
    for _ in range(3):
        fund(AccountFactory(customer=customer), 1_00)
    kyc_approve(customer)
    for amount in ("10.00", "20.00"):
        assert post_wire(bearer_client(customer), objects["account"], amount=amount).status_code == 201
    with django_assert_num_queries(16):
        page = client.get(url).content.decode()
    assert page.count("/admin/accounts/account/") >= 4
    assert "kyc.submitted" in page
    for wire in WireTransfer.objects.filter(customer=customer):
        assert f"/admin/transfers/wiretransfer/{wire.pk}/change/" in page
    assert actions.WIRE_SENT in page
