"""The staff roles (groups made by migration accounts/0008_roles): each logs in through the
admin's form and can do exactly its job; every other admin page is a 403 or absent."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission

from accounts.models import Account
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory, fund
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.tests.helpers import _member
from kyc.models import KycProfile, KycStatus
from transfers.models import WireTransfer
from transfers.tests.helpers import kyc_approve, post_wire

pytestmark = pytest.mark.django_db

# The changelists each role reads (app_label/model); every other one is refused.
READS = {
    "compliance": {
        "accounts/user",
        "accounts/account",
        "accounts/ledgerentry",
        "accounts/approvalrequest",
        "kyc/kycprofile",
        "kyc/kycreviewqueue",
        "kyc/screeningmatch",
        "audit/auditevent",
        "transfers/wiretransfer",
        "transfers/wirereviewqueue",
        "transfers/wirelimitoverride",
        "transfers/businessholiday",
    },
    "support": {"accounts/user", "accounts/account", "transfers/wiretransfer"},
    "engineering": {
        "django_celery_beat/periodictask",
        "django_celery_beat/intervalschedule",
        "django_celery_beat/crontabschedule",
        "bankcore/webhookendpoint",
        "bankcore/webhookdelivery",
    },
}
# The pages each role adds on (through audited services); everything else is superusers' only.
ADDS = {
    "compliance": {"transfers/wirelimitoverride", "transfers/businessholiday"},
    "engineering": {"bankcore/webhookendpoint"},
}


def _registered_models() -> list[str]:
    return sorted(f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry)


def test_the_roles_migration_made_the_groups_with_their_permissions():
    granted = {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.filter(name__in=READS).prefetch_related("permissions__content_type")
    }
    assert granted["support"] == {
        "accounts.view_user",
        "accounts.view_account",
        "accounts.freeze_account",
        "transfers.view_wiretransfer",
    }
    assert granted["engineering"] == {
        "accounts.view_profiling",
        "accounts.purge_profiling",
        "accounts.view_cache_stats",
        "accounts.view_database_report",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.view_crontabschedule",
        "bankcore.view_webhookendpoint",
        "bankcore.add_webhookendpoint",
        "bankcore.change_webhookendpoint",
        "bankcore.view_webhookdelivery",
        "bankcore.redeliver_webhookdelivery",
    }
    assert "kyc.review_kyc" in granted["compliance"]
    assert "transfers.review_wire" in granted["compliance"]
    assert "audit.view_auditevent" in granted["compliance"]
    assert not any(
        p.startswith("auth.") or p.endswith(("change_user", "add_user")) for p in granted["compliance"]
    )
    assert "accounts.freeze_account" not in granted["compliance"]


@pytest.mark.parametrize("role", sorted(READS))
def test_each_role_reaches_its_pages_and_no_others(role, objects):
    member = _member(role)
    client = admin_login(member.email, DEFAULT_PASSWORD)
    for model in _registered_models():
        expected = 200 if model in READS[role] else 403
        assert client.get(f"/admin/{model}/").status_code == expected, (role, model)
        # Nobody else adds anything here but superusers (and nothing at all where rows are services').
        adds = 200 if model in ADDS.get(role, set()) else 403
        assert client.get(f"/admin/{model}/add/").status_code == adds, (role, model)
    pages = {
        "accounts/user": objects["customer"].pk,
        "accounts/account": objects["account"].pk,
        "kyc/kycprofile": objects["profile"].pk,
        "audit/auditevent": objects["event"].pk,
    }
    for model, pk in pages.items():
        status = client.get(f"/admin/{model}/{pk}/change/").status_code
        assert status == (200 if model in READS[role] else 403), (role, model)
    for superuser_only in ("/admin/auth/group/", "/admin/auth/group/add/", "/admin/bankcore/systemsetting/"):
        # Registered, and refused to staff who are not superusers.
        assert client.get(superuser_only).status_code == 403, (role, superuser_only)
    document = objects["profile"].customer.kyc_documents.first()
    preview = client.get(f"/admin/kyc/kycprofile/document/{document.pk}/preview/").status_code
    assert preview == (200 if role == "compliance" else 403)
    deposit = client.get(f"/admin/accounts/account/{objects['account'].pk}/deposit/").status_code
    assert deposit == 403


def test_engineering_reads_its_tools_and_no_customer_records(objects):
    member = _member("engineering")
    client = admin_login(member.email, DEFAULT_PASSWORD)
    assert client.get("/api/ops/cache-stats").status_code == 200
    assert client.get("/silk/").status_code == 200
    assert client.get(f"/admin/accounts/user/{objects['customer'].pk}/change/").status_code == 403
    support = admin_login(_member("support").email, DEFAULT_PASSWORD)
    assert support.get("/api/ops/cache-stats").status_code == 403
    # Signed in but without the permission: refused, not sent to log in again.
    assert support.get("/silk/").status_code == 403


def test_support_freezes_with_a_reason_and_sees_kyc_status_but_not_its_details(objects):
    member = _member("support")
    client = admin_login(member.email, DEFAULT_PASSWORD)
    account = objects["account"]
    admin_post(
        client,
        "/admin/accounts/account/",
        {"action": "freeze_accounts", "_selected_action": [account.pk], "reason": "card reported stolen"},
    )
    assert Account.objects.get(pk=account.pk).status == Account.Status.FROZEN
    event = AuditEvent.objects.get(action=actions.ACCOUNT_FROZEN)
    assert (event.actor, event.after["reason"]) == (member, "card reported stolen")
    page = client.get(f"/admin/accounts/user/{objects['customer'].pk}/change/").content.decode()
    assert "Pending review" in page
    assert account.number in page
    assert "/admin/kyc/kycprofile/" not in page  # the status, not the profile
    assert "Recent audit events" not in page
    # Support cannot decide KYC: the page is refused and the profile is unchanged.
    admin_post(
        client,
        "/admin/kyc/kycreviewqueue/",
        {"action": "approve", "_selected_action": [objects["profile"].pk]},
    )
    assert KycProfile.objects.get(pk=objects["profile"].pk).status == KycStatus.PENDING_REVIEW


def test_the_customers_page_lists_their_recent_wires_to_staff_who_may_read_wires(objects, bearer_client):
    customer = objects["customer"]
    kyc_approve(customer)
    api = bearer_client(customer)
    assert (
        post_wire(api, objects["account"], amount="12.50", beneficiary_name="Erika Mustermann").status_code
        == 201
    )
    wire = WireTransfer.objects.get(customer=customer)
    someone_else = UserFactory()
    kyc_approve(someone_else)
    other = fund(AccountFactory(customer=someone_else), 50_00)
    assert post_wire(bearer_client(someone_else), other, amount="13.00").status_code == 201
    url = f"/admin/accounts/user/{customer.pk}/change/"
    for role in ("compliance", "support"):
        page = admin_login(_member(role).email, DEFAULT_PASSWORD).get(url).content.decode()
        wires = page[page.index("<h2>Wires</h2>") :]
        assert f'<a href="/admin/transfers/wiretransfer/{wire.pk}/change/">Wire {wire.pk}</a>' in wires, role
        for shown in ("12.50 USD", "Erika Mustermann", "Sent"):
            assert shown in wires, (role, shown)
        assert "13.00 USD" not in page, "another customer's wire"
    # Staff who may read the customer but not wires see no Wires section.
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "view_account"]))
    page = admin_login(reader.email, DEFAULT_PASSWORD).get(url).content.decode()
    assert "<h2>Wires</h2>" not in page
    assert objects["account"].number in page
