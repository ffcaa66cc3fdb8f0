"""The back office as staff use it: a real login form and real forms, CSRF checks on, and a
session past the second factor.

Every admin test signs staff in through one of two doors here: ``admin_login`` (the password
form, then the code form, with a code computed from the member's authenticator) or the
``client`` fixture's ``force_login`` (a ``BackOfficeClient``), which marks a staff session
verified as django-otp's own login does.
"""

from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LedgerEntry, Posting, User
from accounts.services.devices import TOTP_DEVICE_NAME
from accounts.services.ledger import Leg, PostingDraft, posting_create
from audit.models import AuditEvent


def staff_authenticator(user) -> TOTPDevice:
    """The confirmed authenticator of ``user``, made if they have none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """The code ``device``'s app shows now.

    A code is refused once used (django-otp remembers the last time step), and tests sign
    the same member in more than once within one 30-second step: the device forgets its
    last step first, as if this were its first code.
    """
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def admin_password_step(client: Client, email: str, password: str, next_url: str = "/admin/"):
    """Submit /admin/login/'s form as a browser does; returns the response."""
    client.get("/admin/login/")
    return client.post(
        f"/admin/login/?next={next_url}",
        {
            "username": email,
            "password": password,
            "next": next_url,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )


def admin_code_step(client: Client, code: str, next_url: str = "/admin/", *, setup: bool = False):
    """Submit the second step's form (the code page, or the setup page) as a browser does."""
    url = f"/admin/second-factor/{'setup/' if setup else ''}?next={next_url}"
    client.get(url)
    return client.post(
        url, {"code": code, "next": next_url, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def admin_login(email: str, password: str) -> Client:
    """A browser-like client logged in through /admin/login/'s form and the code page, with
    the member's authenticator (made confirmed if they have none)."""

    client = Client(enforce_csrf_checks=True)
    response = admin_password_step(client, email, password)
    assert response.status_code == 302, "the admin login form refused the credentials"
    assert response.url.startswith("/admin/second-factor/"), response.url
    device = staff_authenticator(User.objects.get(email__iexact=email))
    response = admin_code_step(client, totp_code(device))
    assert response.status_code == 302, "the code page refused the code"
    assert response.url == "/admin/"
    return client


def admin_post(client: Client, url: str, data: dict):
    """Open the form's page, then submit it with the page's CSRF token, as a browser does."""
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


class BackOfficeClient(Client):
    """The test client whose ``force_login`` of a member of staff is a back-office session
    past the second factor, as after ``admin_login`` (``verified=False`` stops after the
    password)."""

    def force_login(self, user, backend=None, *, verified: bool = True):
        super().force_login(user, backend)
        if verified and user.is_staff:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = staff_authenticator(user).persistent_id
            session.save()


def ids(response):
    return [entry["id"] for entry in response.json()["results"]]


NEW_PASSWORD = "a-Different-secret-42"


def audit_actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def login(client, email, password, **extra):
    return client.post("/api/auth/login", {"email": email, "password": password}, format="json", **extra)


def transfer_draft(source, destination, amount, **fields):
    return PostingDraft(
        kind=Posting.Kind.TRANSFER,
        legs=[
            Leg(source.pk, -amount, LedgerEntry.Type.TRANSFER_OUT),
            Leg(destination.pk, amount, LedgerEntry.Type.TRANSFER_IN),
        ],
        **fields,
    )


def move(source, destination, amount, **fields):
    """Move ``amount`` (minor units) between two customer accounts as one transfer posting,
    through the posting service, in a transaction of its own."""
    with transaction.atomic():
        return posting_create(
            kind=Posting.Kind.TRANSFER,
            legs=[
                Leg(source.pk, -amount, LedgerEntry.Type.TRANSFER_OUT),
                Leg(destination.pk, amount, LedgerEntry.Type.TRANSFER_IN),
            ],
            **fields,
        )
