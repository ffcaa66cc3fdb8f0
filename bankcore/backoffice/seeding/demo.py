"""The demo's people and money for ``make run``: customers with funded accounts and history,
an approved KYC profile, and one member of staff per role (each with an authenticator), made
through the same services the API and the back office use, so every step is audited."""

import datetime
import io
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image

from accounts.services.bank_accounts import account_open
from accounts.services.deposits import deposit_create
from accounts.services.devices import totp_device_ensure
from accounts.services.users import user_ensure
from kyc.models import KycProfile, KycStatus
from kyc.services.documents import kyc_document_upload
from kyc.services.profile import kyc_profile_update
from kyc.services.review import kyc_approve, kyc_submit
from transfers.services.transfers import transfer_create

DEMO_USERS = [
    # (email, password, full name, is_staff, is_superuser, role: a group made by accounts/0008_roles)
    ("customer@bankcore.test", "demo-customer-Pass-2026", "Dana Customer", False, False, None),
    ("payee@bankcore.test", "demo-payee-Pass-2026", "Pat Payee", False, False, None),
    ("compliance@bankcore.test", "demo-compliance-Pass-2026", "Casey Compliance", True, False, "compliance"),
    (
        "compliance2@bankcore.test",
        "demo-compliance2-Pass-2026",
        "Corey Compliance",
        True,
        False,
        "compliance",
    ),
    ("support@bankcore.test", "demo-support-Pass-2026", "Sam Support", True, False, "support"),
    (
        "engineering@bankcore.test",
        "demo-engineering-Pass-2026",
        "Eli Engineering",
        True,
        False,
        "engineering",
    ),
    ("admin@bankcore.test", "demo-admin-Pass-2026", "Alex Admin", True, True, None),
]


def demo_seed(*, write: Callable[[str], None]) -> None:
    """Create (or reset) the demo users, and once their accounts, history and KYC; ``write``
    receives each line to print: the credentials and what was made."""
    write(
        "Demo users (email / password; staff also need a code from their authenticator secret, "
        "the otpauth:// URI beside them: add it to an authenticator app, or compute codes from it):"
    )
    users = {}
    for email, password, full_name, is_staff, is_superuser, role in DEMO_USERS:
        user, created = user_ensure(
            email=email,
            password=password,
            full_name=full_name,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        kind = "superuser" if is_superuser else role or "customer"
        state = "created" if created else "reset"
        line = f"  {kind:<11} {email} / {password}  ({state})"
        if is_staff:
            # The same secret on every run, so an authenticator set up once keeps working.
            line += f"  {totp_device_ensure(user=user).config_url}"
        write(line)
        users[email] = user
    _demo_money(
        users["customer@bankcore.test"],
        users["payee@bankcore.test"],
        users["admin@bankcore.test"],
        write=write,
    )
    _demo_kyc(users["customer@bankcore.test"], users["compliance@bankcore.test"], write=write)


def _demo_money(customer, payee, teller, *, write: Callable[[str], None]):
    """Funded accounts and some history for the demo customer, made once."""
    if customer.bank_accounts.exists():
        return
    checking = account_open(customer=customer, kind="checking", currency="USD")
    savings = account_open(customer=customer, kind="savings", currency="USD")
    euros = account_open(customer=customer, kind="checking", currency="EUR")
    payee_account = account_open(customer=payee, kind="checking", currency="USD")
    deposit_create(account=checking, amount=2_500_00, reason="Opening deposit at branch", actor=teller)
    deposit_create(account=euros, amount=800_00, reason="Opening deposit at branch", actor=teller)
    for amount, destination, description in [
        (500_00, savings, "Monthly savings"),
        (1_250_00, payee_account, "Rent, November"),
        (42_50, payee_account, "Dinner, split"),
    ]:
        transfer_create(
            customer=customer,
            source_account_id=checking.pk,
            destination_number=destination.number,
            amount=amount,
            currency="USD",
            description=description,
            auth_token=None,
            idempotency_claim=None,
        )
    write(
        f"Demo accounts of {customer.email}: checking {checking.number}, savings {savings.number}, "
        f"EUR {euros.number}; payee account {payee_account.number}."
    )


def _demo_kyc(customer, officer, *, write: Callable[[str], None]):
    """An approved basic KYC profile for the demo customer, so wires work from the start,
    made once as a real one is: the customer fills in the profile, uploads a passport and
    a selfie and submits; a demo compliance officer approves it. Each step audited."""
    if KycProfile.objects.filter(customer=customer).exclude(status=KycStatus.NOT_STARTED).exists():
        return
    kyc_profile_update(
        customer=customer,
        legal_name=customer.full_name,
        date_of_birth=datetime.date(1990, 4, 1),
        nationality="US",
        residence_country="US",
        address="1 Demo Street, Springfield, IL 62701",
        national_id="DEMO-0000-2026",
    )
    kyc_document_upload(
        customer=customer,
        document_type="passport",
        data=_demo_image((40, 30), (30, 60, 120), "PNG"),
        expires_on=timezone.localdate().replace(day=1) + datetime.timedelta(days=3650),
    )
    kyc_document_upload(
        customer=customer, document_type="selfie", data=_demo_image((30, 40), (200, 170, 150), "JPEG")
    )
    profile = kyc_submit(customer=customer)
    kyc_approve(profile_id=profile.pk, reviewer=officer)
    write(f"KYC of {customer.email}: approved (basic) by {officer.email}.")


def _demo_image(size: tuple[int, int], color: tuple[int, int, int], image_format: str) -> bytes:
    """A plain picture standing in for a demo document's scan."""
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, format=image_format)
    return output.getvalue()
