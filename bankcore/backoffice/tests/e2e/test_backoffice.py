"""The back office in a real browser: compliance reviews KYC and decides held wires (two
officers for a four-eyes one), support freezes an account, and the audit log shows each step
with the right actor."""

import base64
import ipaddress
import json
import re
import uuid
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import unquote_plus

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django_celery_beat.models import PeriodicTask
from django_otp.oath import TOTP

from accounts.models import Account, ApprovalRequest, User
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory, fund
from accounts.tests.helpers import staff_authenticator, totp_code
from audit import actions
from audit.models import AuditEvent
from audit.services import audit_seal
from bankcore.backoffice.operations import config_set
from bankcore.models import WebhookEndpoint
from kyc.crypto import normalise_national_id
from kyc.models import KycProfile, KycStatus
from kyc.services import review as kyc_services
from kyc.tests.factories import submitted_profile
from transfers.models import WireLimitOverride, WireTransfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# The data migrations that make the staff roles' groups, each with a ROLES table of its grants.
ROLE_MIGRATIONS = (
    "accounts.migrations.0008_roles",
    "transfers.migrations.0005_wire_roles",
    "accounts.migrations.0013_schedule_permissions",
    "accounts.migrations.0014_webhook_permissions",
)


def _role(name: str) -> Group:
    """The role's group, made again from the migrations' grants when missing: a transactional
    test empties every table when it ends, the groups the migrations made among them."""
    group, made = Group.objects.get_or_create(name=name)
    if made:
        for module in ROLE_MIGRATIONS:
            for permission in import_module(module).ROLES.get(name, []):
                app_label, codename = permission.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
    return group


def _staff(email: str, role: str):
    member = UserFactory(email=email, is_staff=True, full_name=email.split("@")[0].title())
    member.groups.add(_role(role))
    return member


def _password_step(browser, site: str, email: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    return page


def _login(browser, site: str, email: str, *, shots=None):
    """Sign in as a member of staff: the password, then the code their authenticator shows."""
    device = staff_authenticator(User.objects.get(email=email))
    page = _password_step(browser, site, email)
    page.wait_for_url(f"{site}/admin/second-factor/?next=%2Fadmin%2F")
    page.fill("#id_code", totp_code(device))
    if shots is not None:
        shots(page, "second-factor-code", document=True)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    return page


def _fold_sidebar(page):
    """Fold the navigation sidebar away, as staff may: a list of many columns fits the window."""
    page.click("#toggle-nav-sidebar")
    page.wait_for_selector("#nav-sidebar", state="hidden")


def _run_action(page, action: str, reason: str | None = None):
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", action)
    if reason is not None:
        page.fill("input[name=reason]", reason)
    page.click("button[name=index]")


def _api_token(api, customer: User) -> str:
    """The customer's API token, from their email and password."""
    login = api.post(
        "/api/auth/login",
        data=json.dumps({"email": customer.email, "password": DEFAULT_PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    assert login.status == 200, login.text()
    return login.json()["token"]


def _send_wire(api, token: str, account: Account, amount: str, **beneficiary) -> WireTransfer:
    """The customer sends a wire through the API, over HTTP to the live server (to Erika
    Mustermann in Berlin unless ``beneficiary`` says otherwise); it is held for review."""
    response = api.post(
        "/api/wire-transfers",
        data=json.dumps(
            {
                "source_account": account.pk,
                "amount": amount,
                "currency": account.currency,
                "beneficiary_name": "Erika Mustermann",
                "beneficiary_account": "DE89370400440532013000",
                "beneficiary_bic": "COBADEFFXXX",
                "beneficiary_country": "DE",
                "beneficiary_address": "Hauptstr. 1, Berlin",
                "reference": "Invoice 42",
                "charge_bearer": "SHAR",
                **beneficiary,
            }
        ),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
        },
    )
    assert response.status == 201, response.text()
    body = response.json()
    assert body["status"] == WireTransfer.Status.PENDING_REVIEW
    return WireTransfer.objects.get(pk=body["id"])


def _decide(page, site: str, wire: WireTransfer, note: str):
    page.goto(f"{site}/admin/transfers/wirereviewqueue/")
    page.click(f'#result_list a[href$="/wirereviewqueue/{wire.pk}/change/"]')
    page.wait_for_url(f"{site}/admin/transfers/wiretransfer/{wire.pk}/decide/")
    page.fill("#wire-decision #id_note", note)


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
    second_officer = _staff("robin.compliance@bankcore.test", "compliance")
    customer = UserFactory(email="dana.customer@example.test", full_name="Dana Customer")
    account = fund(AccountFactory(customer=customer), 2_500_00)
    # The bank holds USD wires from 100.00 for review and wants two officers from 1,000.00.
    root = UserFactory(email="root@bankcore.test", is_staff=True, is_superuser=True)
    config_set(name="wires.review_threshold", value={"USD": 100}, actor=root)
    config_set(name="wires.four_eyes_threshold", value={"USD": 1_000}, actor=root)
    profile = submitted_profile(customer)

    # Compliance finds the pending profile in the review queue and previews its passport.
    compliance = _login(browser, live_site, officer.email, shots=shots)
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

    # The customer, KYC-approved now, logs in to the API and sends two wires compliance must
    # review: one below the four-eyes threshold, one at it.
    api = browser.new_context(base_url=live_site).request
    token = _api_token(api, customer)
    held = _send_wire(api, token, account, "250.00")
    four_eyes = _send_wire(api, token, account, "1000.00")

    # Compliance finds both in the wire review queue, oldest first, and approves the first one
    # with a note on its decision page: it is sent.
    compliance.goto(f"{live_site}/admin/")
    compliance.click("text=Wire review queue")
    compliance.wait_for_selector(f'#result_list a[href$="/wirereviewqueue/{four_eyes.pk}/change/"]')
    shots(compliance, "wire-queue")
    _decide(compliance, live_site, held, "Invoice matches the customer's supplier")
    assert compliance.inner_text("#wire-four-eyes") == "not needed"
    shots(compliance, "wire-decision")
    compliance.click("#wire-approve")
    compliance.wait_for_selector(f"text=Wire {held.pk} is sent.")
    shots(compliance, "wire-sent")
    assert WireTransfer.objects.get(pk=held.pk).status == WireTransfer.Status.SENT

    # The four-eyes wire: the first approval leaves it pending, and the page says a second
    # approval is needed.
    _decide(compliance, live_site, four_eyes, "Beneficiary checked against the invoice")
    assert compliance.inner_text("#wire-four-eyes") == "needs two approvers"
    compliance.click("#wire-approve")
    compliance.wait_for_selector("text=it is sent once a second member of staff approves it")
    shots(compliance, "wire-first-approval")
    assert WireTransfer.objects.get(pk=four_eyes.pk).status == WireTransfer.Status.PENDING_REVIEW

    # The same officer approving it again is refused, visibly, and nothing changes.
    _decide(compliance, live_site, four_eyes, "Approving again")
    assert officer.email in compliance.inner_text("#wire-four-eyes")
    compliance.click("#wire-approve")
    compliance.wait_for_selector("text=This wire needs a second, different member of staff to approve it.")
    shots(compliance, "wire-second-approval-refused")
    assert WireTransfer.objects.get(pk=four_eyes.pk).status == WireTransfer.Status.PENDING_REVIEW

    # A second compliance officer logs in and approves it: it is sent.
    second = _login(browser, live_site, second_officer.email)
    _decide(second, live_site, four_eyes, "Second approval, invoice seen")
    shots(second, "wire-second-approval")
    second.click("#wire-approve")
    second.wait_for_selector(f"text=Wire {four_eyes.pk} is sent.")
    shots(second, "wire-four-eyes-sent")
    four_eyes.refresh_from_db()
    assert (four_eyes.status, four_eyes.decided_by) == (WireTransfer.Status.SENT, second_officer)

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
        (actions.WIRE_APPROVAL_REQUESTED, officer),
    ]:
        row = compliance.locator("#result_list tbody tr", has_text=action).first
        assert actor.email in row.inner_text()
        assert AuditEvent.objects.filter(action=action, actor=actor).count() == 1
    # Each wire's approval and sending are the deciding officer's, in the database and on the page.
    for wire, approver in [(held, officer), (four_eyes, second_officer)]:
        for action in (actions.WIRE_APPROVED, actions.WIRE_SENT):
            assert AuditEvent.objects.get(action=action, object_id=str(wire.pk)).actor == approver
            row = compliance.locator("#result_list tbody tr", has_text=action).filter(
                has_text=f"transfers.wiretransfer {wire.pk}"
            )
            assert approver.email in row.inner_text()
    shots(compliance, "audit-log")
    compliance.goto(f"{live_site}/admin/accounts/user/{customer.pk}/change/")
    compliance.wait_for_selector("text=Recent audit events")
    for wire in (held, four_eyes):
        link = compliance.locator(f'a[href="/admin/transfers/wiretransfer/{wire.pk}/change/"]')
        assert link.inner_text() == f"Wire {wire.pk}"
    shots(compliance, "customer-page-compliance")


def test_a_new_member_sets_up_an_authenticator_from_a_qr_code_and_signs_in_with_it(browser, live_site, shots):
    # A member with no role yet: the roles' groups, made by a migration, are gone once the
    # transactional test before this one has emptied the tables.
    member = UserFactory(email="new.member@bankcore.test", is_staff=True, full_name="New Member")
    page = _password_step(browser, live_site, member.email)
    page.wait_for_url(f"{live_site}/admin/second-factor/setup/?next=%2Fadmin%2F")
    assert page.locator(".second-factor-qr svg").is_visible()
    # The code an authenticator app would show, from the key printed under the QR code.
    secret = page.inner_text(".second-factor-secret").replace(" ", "")
    page.fill("#id_code", f"{TOTP(base64.b32decode(secret)).token():06d}")
    shots(page, "second-factor-setup", document=True)
    page.click("input[type=submit]")
    page.wait_for_selector("text=Your authenticator is set up.")
    assert page.locator(".second-factor-codes li").count() == 10
    shots(page, "second-factor-recovery-codes", document=True)
    page.click("#second-factor-continue")
    page.wait_for_url(f"{live_site}/admin/")
    assert AuditEvent.objects.filter(action=actions.SECOND_FACTOR_CONFIRMED, actor=member).exists()

    # Without the code, the password opens nothing: every page leads back to the code page.
    other = _password_step(browser, live_site, member.email)
    other.wait_for_url(f"{live_site}/admin/second-factor/?next=%2Fadmin%2F")
    other.goto(f"{live_site}/admin/audit/auditevent/")
    other.wait_for_url(re.compile(r".*/admin/second-factor/\?next=.*"))
    _login(browser, live_site, member.email)


def test_compliance_finds_a_national_id_sees_why_a_wire_is_held_and_raises_limits_with_a_second_officer(
    browser, live_site, shots, kyc_files
):
    officer = _staff("casey.compliance@bankcore.test", "compliance")
    second_officer = _staff("robin.compliance@bankcore.test", "compliance")
    agent = _staff("sam.support@bankcore.test", "support")
    customer = UserFactory(email="dana.customer@example.test", full_name="Dana Customer")
    other = UserFactory(email="eli.customer@example.test", full_name="Eli Customer")
    profile = submitted_profile(customer, national_id="AB 1234-5678")
    submitted_profile(other, national_id="XY 9876-5432")
    kyc_services.kyc_approve(profile_id=profile.pk, reviewer=officer)
    account = fund(AccountFactory(customer=customer), 2_500_00)

    # The customer wires 250.00 to an Iranian IBAN: far below the review threshold, held
    # because Iran is a sanctioned jurisdiction.
    api = browser.new_context(base_url=live_site).request
    wire = _send_wire(
        api,
        _api_token(api, customer),
        account,
        "250.00",
        beneficiary_name="Parisa Ahmadi",
        beneficiary_account="IR062960000000100324200001",
        beneficiary_bic=None,
        beneficiary_country="IR",
        beneficiary_address="Ferdowsi Ave, Tehran",
    )
    held_by = wire.review_reason
    assert (held_by["rule"], held_by["jurisdiction"]) == ("sanctioned_jurisdiction", "IR")
    reason = held_by["detail"]

    # Compliance types a national ID, spaced otherwise than the customer did, into the form
    # above the KYC profiles and lands on that one profile; no address the browser asks for
    # carries the number.
    compliance = _login(browser, live_site, officer.email)
    addresses = []
    compliance.on("request", lambda request: addresses.append(request.url))
    compliance.goto(f"{live_site}/admin/kyc/kycprofile/")
    compliance.fill("#id_national_id", "ab 1234 5678")
    compliance.click("#national-id-search input[type=submit]")
    compliance.wait_for_url(re.compile(r".*/admin/kyc/kycprofile/\?id__in=\d+$"))
    assert compliance.locator("#result_list tbody tr").count() == 1
    assert customer.email in compliance.inner_text("#result_list tbody tr")
    assert compliance.input_value("#searchbar") == ""
    # The profiles' ten columns want a wider window than the other pages.
    _fold_sidebar(compliance)
    compliance.set_viewport_size({"width": 1760, "height": 900})
    shots(compliance, "kyc-national-id-search", document=True)
    compliance.set_viewport_size({"width": 1440, "height": 900})
    assert [url for url in addresses if "12345678" in normalise_national_id(unquote_plus(url))] == []
    assert AuditEvent.objects.filter(action=actions.KYC_NATIONAL_ID_SEARCHED, actor=officer).count() == 1

    # Compliance sees the wire in the queue and, on its decision page, why it is held.
    compliance.goto(f"{live_site}/admin/transfers/wirereviewqueue/")
    assert reason in compliance.inner_text("#result_list tbody tr")
    compliance.click(f'#result_list a[href$="/wirereviewqueue/{wire.pk}/change/"]')
    compliance.wait_for_url(f"{live_site}/admin/transfers/wiretransfer/{wire.pk}/decide/")
    assert compliance.inner_text("#wire-review-reason") == reason
    shots(compliance, "wire-decision-sanctioned-jurisdiction", document=True)

    # Support sees the same wire held for compliance review, and nothing of the screening.
    support = _login(browser, live_site, agent.email)
    support.goto(f"{live_site}/admin/transfers/wiretransfer/{wire.pk}/change/")
    assert support.inner_text(".field-held_for_review .readonly") == "held for compliance review"
    page = support.content()
    for screening in (reason, "Screening hits", "wire-decide-link"):
        assert screening not in page
    shots(support, "wire-held-support", document=True)
    assert support.goto(f"{live_site}/admin/transfers/wiretransfer/{wire.pk}/decide/").status == 403

    # Compliance raises the account's per-wire and daily limits above the defaults (USD 100,000
    # and 200,000): nothing applies yet, a request waits for a second officer.
    compliance.goto(f"{live_site}/admin/transfers/wirelimitoverride/add/")
    compliance.fill("#id_account", str(account.pk))
    compliance.fill("#id_per_wire_amount", "250000.00")
    compliance.fill("#id_daily_amount", "400000.00")
    compliance.fill("#id_reason", "House purchase in May, contract seen")
    compliance.click("input[name=_save]")
    compliance.wait_for_selector("text=waits for a second member of staff")
    request = ApprovalRequest.objects.get(status=ApprovalRequest.Status.PENDING)
    assert not WireLimitOverride.objects.exists()

    # A second officer finds it pending under Approval requests and approves it with a note.
    second = _login(browser, live_site, second_officer.email)
    second.goto(f"{live_site}/admin/accounts/approvalrequest/?status__exact=pending")
    row = second.locator("#result_list tbody tr")
    assert row.count() == 1
    assert f"Wire limits of {account.number}: per wire 250000.00 USD, daily 400000.00 USD" in row.inner_text()
    assert officer.email in row.inner_text()
    second.check("input[name=_selected_action]")
    second.select_option("select[name=action]", "approve_requests")
    second.fill("input[name=note]", "Source of funds seen")
    _fold_sidebar(second)
    shots(second, "wire-limits-pending-approval", document=True)
    second.click("button[name=index]")
    second.wait_for_selector("text=Approved 1 request(s).")
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ApprovalRequest.Status.APPROVED, second_officer)
    override = WireLimitOverride.objects.get(account=account)
    assert (override.per_wire, override.daily, override.monthly) == (250_000_00, 400_000_00, None)


def test_engineering_finds_its_tools_on_the_index_and_support_does_not(browser, live_site, shots, settings):
    _staff("eli@bankcore.test", "engineering")
    _staff("sam@bankcore.test", "support")
    engineer = _login(browser, live_site, "eli@bankcore.test")
    tools = engineer.locator("div.app-tools")
    for name in ("Profiling (silk)", "Database report", "Cache statistics"):
        assert tools.get_by_role("link", name=name).is_visible(), name
    assert "have permission to view or edit anything" not in engineer.content()
    shots(engineer, "engineering-index", document=True)
    tools.get_by_role("link", name="Database report").click()
    engineer.wait_for_url(f"{live_site}/admin/database-report/")
    assert engineer.get_by_role("heading", name="Database report").first.is_visible()
    assert AuditEvent.objects.filter(action=actions.DATABASE_REPORT_VIEWED).count() == 1
    # The background work's schedules: each task, its schedule and when beat last sent it (made
    # again from their migration: the previous transactional test emptied the table).
    if not PeriodicTask.objects.exists():
        import_module("bankcore.migrations.0004_schedules").schedules_add(
            django_apps, SimpleNamespace(connection=connection)
        )
    engineer.goto(f"{live_site}/admin/django_celery_beat/periodictask/")
    for name in ("Seal the audit chain", "Verify the ledger"):
        assert engineer.get_by_role("link", name=name).is_visible(), name
    shots(engineer, "engineering-schedules", document=True)
    # A webhook endpoint registered: its secret on the page that made it, once (the receiver
    # is on loopback, which the check lets through only when listed).
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = [ipaddress.ip_network("127.0.0.0/8")]
    engineer.goto(f"{live_site}/admin/bankcore/webhookendpoint/add/")
    engineer.fill("#id_url", "http://127.0.0.1:9/hooks/crm")
    engineer.fill("#id_description", "CRM: wire outcomes")
    for event_type in ("wire.sent", "wire.rejected", "wire.cancelled"):
        engineer.check(f"input[name=event_types][value='{event_type}']")
    _fold_sidebar(engineer)
    shots(engineer, "engineering-webhook-add", document=True)
    engineer.click("input[name=_save]")
    secret = WebhookEndpoint.objects.get().secret
    assert engineer.locator("#webhook-secret").inner_text() == secret
    shots(engineer, "engineering-webhook-secret", document=True)
    engineer.goto(f"{live_site}/admin/bankcore/webhookendpoint/")
    assert secret not in engineer.content()

    support = _login(browser, live_site, "sam@bankcore.test")
    assert support.locator("div.app-tools").count() == 0
    assert support.get_by_role("link", name="Users").first.is_visible()
