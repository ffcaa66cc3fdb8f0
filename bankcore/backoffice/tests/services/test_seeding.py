"""The load and demo data: made through the services, consistent, and safe to run again."""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account, LedgerEntry, User
from accounts.tests.helpers import admin_code_step, admin_password_step
from accounts.verification import ledger_verify
from bankcore.backoffice.seeding.demo import DEMO_USERS
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tmp_path):
    output = tmp_path / "customers.json"
    call_command(
        "seed_load",
        "--customers=4",
        "--accounts-per-customer=2",
        "--opening-balance=500.00",
        "--transactions-per-account=6",
        "--password=load-Pass-2026",
        f"--output={output}",
    )
    return json.loads(output.read_text())


def test_seed_load_writes_customers_that_log_in_and_see_their_accounts(seeded, api_client, bearer_client):
    assert seeded["password"] == "load-Pass-2026"
    assert len(seeded["customers"]) == 4
    for customer in seeded["customers"]:
        login = api_client.post(
            "/api/auth/login", {"email": customer["email"], "password": seeded["password"]}, format="json"
        )
        assert login.status_code == 200
        client = bearer_client(token=login.json()["token"])
        listed = client.get("/api/accounts").json()["results"]
        assert [(a["id"], a["number"], a["currency"]) for a in listed] == [
            (a["id"], a["account_number"], a["currency"]) for a in customer["accounts"]
        ]
        history = client.get("/api/transactions").json()["results"]
        assert history, "seeded accounts have history"


def test_seed_load_keeps_the_ledger_consistent_and_adds_on_rerun(seeded, tmp_path):
    entries = LedgerEntry.objects.count()
    assert entries >= 8 * 2  # each account has at least its deposit and usually transfers
    call_command(
        "seed_load", "--customers=2", "--password=load-Pass-2026", f"--output={tmp_path / 'again.json'}"
    )
    assert LedgerEntry.objects.count() > entries
    assert Account.objects.filter(customer__email__startswith="load-").count() == 4 * 2 + 2 * 2
    report = ledger_verify()
    assert report.ok, report
    deposits = LedgerEntry.objects.filter(type="deposit", customer__isnull=False)
    # Seeded payments leave every account at least half its opening balance.
    first_run = Account.objects.filter(
        number__in=[a["account_number"] for c in seeded["customers"] for a in c["accounts"]]
    )
    assert min(first_run.values_list("balance", flat=True)) >= 250_00
    assert deposits.count() == 12
    assert set(deposits.values_list("amount", flat=True)) == {500_00, 1000_00}


def test_seed_load_refuses_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="opening-balance"):
        call_command(
            "seed_load", "--customers=1", "--opening-balance=-5", "--password=x", f"--output={tmp_path}/o"
        )


def test_seed_demo_creates_users_that_can_log_in_and_can_run_again(api_client, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    for email, password, _name, is_staff, is_superuser, role in DEMO_USERS:
        assert f"{email} / {password}" in output
        uris = re.findall(rf"{re.escape(email)} / \S+ +\(\w+\) +(otpauth://totp/\S+)", output)
        if is_staff:
            # Both runs print the one secret the member's authenticator holds.
            device = TOTPDevice.objects.get(user__email=email, confirmed=True)
            assert uris == [device.config_url] * 2
        else:
            assert uris == []
        user = User.objects.get(email=email)
        assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser)
        assert list(user.groups.values_list("name", flat=True)) == ([role] if role else [])
    assert User.objects.count() == len(DEMO_USERS)
    email, password = DEMO_USERS[0][:2]
    response = api_client.post("/api/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200
    compliance = User.objects.get(email="compliance@bankcore.test")
    assert compliance.has_perm("accounts.view_user")
    assert not compliance.has_perm("accounts.delete_user")


def test_seed_demo_refuses_to_run_with_debug_off_and_changes_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_off_only_when_forced(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.filter(email=DEMO_USERS[0][0]).exists()


def test_seed_demo_customer_has_kyc_approved_by_a_demo_compliance_officer_and_can_send_a_wire(
    api_client, settings
):
    from audit import actions
    from audit.models import AuditEvent
    from kyc.models import KycDocument, KycProfile

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # a second run leaves the approved profile as it is
    customer = User.objects.get(email="customer@bankcore.test")
    profile = KycProfile.objects.get(customer=customer)
    assert (profile.status, profile.level, profile.reviewer.email) == (
        "approved",
        "basic",
        "compliance@bankcore.test",
    )
    documents = KycDocument.objects.filter(customer=customer)
    assert sorted(documents.values_list("document_type", flat=True)) == ["passport", "selfie"]
    assert not documents.filter(approved_at__isnull=True).exists()
    approvals = AuditEvent.objects.filter(action=actions.KYC_APPROVED, object_id=str(profile.pk))
    assert list(approvals.values_list("actor__email", flat=True)) == ["compliance@bankcore.test"]
    assert AuditEvent.objects.filter(action=actions.KYC_SUBMITTED, actor=customer).count() == 1

    email, password = DEMO_USERS[0][:2]
    token = api_client.post("/api/auth/login", {"email": email, "password": password}, format="json").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token['token']}")
    assert api_client.get("/api/kyc/status").json()["status"] == "approved"
    checking = Account.objects.get(customer=customer, kind="checking", currency="USD")
    response = post_wire(api_client, checking, amount="100.00", reference="Demo wire")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("state", "expected"), [("approved", "approved"), ("pending", "pending_review")])
def test_seed_load_puts_customers_in_the_kyc_state_asked_for(
    tmp_path, settings, bearer_client, state, expected
):
    from audit import actions
    from audit.models import AuditEvent
    from bankcore.backoffice.seeding.kyc import SYSTEM_REVIEWER_EMAIL
    from kyc.models import KycDocument, KycProfile

    settings.STORAGES = {
        **settings.STORAGES,
        "kyc": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "kyc-documents", "base_url": None},
        },
    }
    output = tmp_path / "customers.json"
    call_command(
        "seed_load", "--customers=3", "--password=load-Pass-2026", f"--output={output}", f"--kyc={state}"
    )
    emails = [customer["email"] for customer in json.loads(output.read_text())["customers"]]
    profiles = KycProfile.objects.filter(customer__email__in=emails)
    assert sorted(profiles.values_list("status", flat=True)) == [expected] * 3
    client = bearer_client(User.objects.get(email=emails[0]))
    assert client.get("/api/kyc/status").json()["status"] == expected
    approvals = AuditEvent.objects.filter(action=actions.KYC_APPROVED)
    documents = KycDocument.objects.filter(customer__email__in=emails)
    assert sorted(documents.values_list("document_type", flat=True)) == ["passport"] * 3 + ["selfie"] * 3
    assert documents.filter(approved_at__isnull=False).count() == (6 if state == "approved" else 0)
    if state == "approved":
        assert approvals.count() == 3
        assert set(approvals.values_list("actor__email", flat=True)) == {SYSTEM_REVIEWER_EMAIL}
        assert set(profiles.values_list("reviewer__email", flat=True)) == {SYSTEM_REVIEWER_EMAIL}
    else:
        assert not approvals.exists()
    assert AuditEvent.objects.filter(action=actions.KYC_LOAD_DATA_SEEDED).count() == 1


def test_seed_load_leaves_kyc_alone_by_default(seeded):
    from kyc.models import KycProfile

    assert not KycProfile.objects.exists()


def test_seed_load_makes_wire_history_through_the_ledger(tmp_path, bearer_client, api_client):
    from transfers.models import WireTransfer

    output = tmp_path / "wires.json"
    call_command(
        "seed_load",
        "--customers=2",
        "--accounts-per-customer=2",
        "--wires-per-account=10",
        "--password=load-Pass-2026",
        f"--output={output}",
    )
    assert WireTransfer.objects.count() == 2 * 2 * 10
    assert WireTransfer.objects.filter(status="pending_review").count() == 4
    sent = WireTransfer.objects.filter(status="sent")
    assert all(wire.release_posting_id for wire in sent)
    assert ledger_verify().ok
    customer = json.loads(output.read_text())["customers"][0]
    token = api_client.post(
        "/api/auth/login", {"email": customer["email"], "password": "load-Pass-2026"}, format="json"
    ).json()["token"]
    listed = bearer_client(token=token).get("/api/wire-transfers").json()["results"]
    assert len(listed) == 20


def test_seed_load_refuses_a_negative_wire_count(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "seed_load",
            "--customers=1",
            "--wires-per-account=-1",
            "--password=x",
            f"--output={tmp_path / 'x'}",
        )


def test_a_demo_staff_member_signs_in_with_the_printed_secret(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out
    uri = re.search(r"support@bankcore\.test / (\S+) .*(otpauth://\S+)", output)
    password, secret = uri[1], parse_qs(urlsplit(uri[2]).query)["secret"][0]
    # An outside script's computation: RFC 6238 from the base32 secret alone.
    code = f"{TOTP(base64.b32decode(secret), step=30, digits=6).token():06d}"
    client = Client(enforce_csrf_checks=True)
    assert admin_password_step(client, "support@bankcore.test", password).status_code == 302
    assert admin_code_step(client, code).url == "/admin/"
    assert client.get("/admin/").status_code == 200
