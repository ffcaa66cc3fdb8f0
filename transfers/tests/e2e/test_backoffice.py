"""The back office in a real browser: compliance reviews KYC, support freezes an account,
and the audit log shows each step with the right actor."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import Account
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory, fund
from audit import actions
from audit.models import AuditEvent
from audit.services import audit_seal
from kyc.models import KycProfile, KycStatus
from kyc.tests.factories import submitted_profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _staff(email: str, role: str):
    member = UserFactory(email=email, is_staff=True, full_name=email.split("@")[0].title())
    member.groups.add(Group.objects.get(name=role))
    return member


def _login(browser, site: str, email: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    return page


def _run_action(page, action: str, reason: str | None = None):
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", action)
    if reason is not None:
        page.fill("input[name=reason]", reason)
    page.click("button[name=index]")


@pytest.fixture
def kyc_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "kyc": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "kyc-documents", "base_url": None},
        },
    }


def test_compliance_and_support_work_and_the_audit_log_shows_who_did_what(
    browser, live_site, shots, kyc_files
):
    officer = _staff("casey.compliance@bankcore.test", "compliance")
    agent = _staff("sam.support@bankcore.test", "support")
    customer = UserFactory(email="dana.customer@example.test", full_name="Dana Customer")
    account = fund(AccountFactory(customer=customer), 1_250_00)
    profile = submitted_profile(customer)

    # Compliance finds the pending profile in the review queue and previews its passport.
    compliance = _login(browser, live_site, officer.email)
    shots(compliance, "compliance-index")
    compliance.click("text=KYC review queue")
    compliance.fill("#searchbar", customer.email)
    compliance.press("#searchbar", "Enter")
    compliance.wait_for_selector(f"text={customer.email}")
    shots(compliance, "kyc-queue")
    with compliance.context.expect_page() as opened:
        compliance.click("text=Passport")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.evaluate("document.contentType") == "image/png"
    shots(preview, "document-preview")
    preview.close()

    # … and approves it.
    _run_action(compliance, "approve")
    compliance.wait_for_selector("text=Approved 1 profile(s).")
    shots(compliance, "kyc-approved")
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.APPROVED

    # Held wire steps go here: compliance approves a held wire, and a second officer
    # completes its four-eyes approval.

    # Support finds the account by number and freezes it with a reason.
    support = _login(browser, live_site, agent.email)
    support.goto(f"{live_site}/admin/accounts/account/")
    support.fill("#searchbar", account.number)
    support.press("#searchbar", "Enter")
    support.wait_for_selector(f"text={account.number}")
    _run_action(support, "freeze_accounts", reason="Card reported stolen by phone")
    support.wait_for_selector("text=Frozen 1 account(s).")
    shots(support, "account-frozen")
    assert Account.objects.get(pk=account.pk).status == Account.Status.FROZEN

    # The customer's page shows support the account (frozen) and the KYC status, no more.
    support.goto(f"{live_site}/admin/accounts/user/{customer.pk}/change/")
    support.wait_for_selector("text=Approved")
    shots(support, "customer-page-support")

    # The sealer runs (in production every minute), verify_audit checks the chain, and the
    # audit log shows each step, with its actor, under the chain's banner.
    audit_seal(margin_seconds=0)
    call_command("verify_audit")
    compliance.goto(f"{live_site}/admin/audit/auditevent/")
    compliance.wait_for_selector("text=Hash chain verified through sequence")
    for action, actor in [
        (actions.KYC_DOCUMENT_VIEWED, officer),
        (actions.KYC_APPROVED, officer),
        (actions.ACCOUNT_FROZEN, agent),
    ]:
        row = compliance.locator("#result_list tbody tr", has_text=action).first
        assert actor.email in row.inner_text()
        assert AuditEvent.objects.filter(action=action, actor=actor).count() == 1
    shots(compliance, "audit-log")
    compliance.goto(f"{live_site}/admin/accounts/user/{customer.pk}/change/")
    compliance.wait_for_selector("text=Recent audit events")
    shots(compliance, "customer-page-compliance")
