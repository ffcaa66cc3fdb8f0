import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import LedgerEntry, Posting
from accounts.services.bank_accounts import account_freeze
from accounts.tests.factories import AccountFactory, fund
from audit import actions
from audit.models import AuditEvent
from audit.selectors import audit_verify
from audit.services import audit_seal
from transfers.models import IdempotencyKey, Transfer
from transfers.tests.helpers import balances, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(customer):
    return fund(AccountFactory(customer=customer), 100_00)


def test_transfer_to_own_other_account(customer_client, customer, source):
    savings = AccountFactory(customer=customer, kind="savings")
    assert send(customer_client, source, savings.number).status_code == 201
    assert balances(source, savings) == [90_00, 10_00]


@pytest.mark.parametrize(("currency", "amount"), [("USD", "10.05"), ("JPY", "1005"), ("KWD", "1.005")])
def test_the_plain_transfer_body_matches_its_serializer(customer_client, customer, currency, amount):
    """The serializer declares the schema; the views render transfer_body: the answer to a
    transfer, its replay, the list and the detail cannot drift from it."""
    from transfers.api.serializers import TransferOutputSerializer, transfer_body

    source = fund(AccountFactory(customer=customer, currency=currency), 100_000)
    destination = AccountFactory(currency=currency)
    made = send(customer_client, source, destination.number, amount, currency, key="body-1")
    assert made.status_code == 201, made.json()
    transfer = Transfer.objects.select_related("destination").get()
    declared = TransferOutputSerializer(transfer).data
    assert transfer_body(transfer) == declared
    assert made.json() == declared
    replayed = send(customer_client, source, destination.number, amount, currency, key="body-1")
    assert replayed.json() == declared
    assert customer_client.get(f"/api/transfers/{transfer.pk}").json() == declared
    assert customer_client.get("/api/transfers").json()["results"] == [declared]


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ("overdraft", 422, "insufficient_funds"),
        ("same_account", 422, "same_account"),
        ("currency_of_amount", 422, "currency_mismatch"),
        ("currency_of_destination", 422, "destination_unavailable"),
        ("frozen_source", 422, "account_not_active"),
        ("frozen_destination", 422, "destination_unavailable"),
        ("unknown_destination", 422, "destination_unavailable"),
        ("system_destination", 422, "destination_unavailable"),
        ("someone_elses_source", 404, "not_found"),
    ],
)
def test_refusals_have_clear_codes_and_change_nothing(
    customer_client, staff_user, source, destination, setup, status, code
):
    from accounts.numbers import account_number_generate
    from accounts.services.bank_accounts import system_account

    amount, currency, target = "10.00", "USD", destination.number
    if setup == "overdraft":
        amount = "100.01"
    elif setup == "same_account":
        target = source.number
    elif setup == "currency_of_amount":
        currency = "EUR"
    elif setup == "currency_of_destination":
        target = AccountFactory(currency="EUR").number
    elif setup == "frozen_source":
        account_freeze(account=source, actor=staff_user, reason="test")
    elif setup == "frozen_destination":
        account_freeze(account=destination, actor=staff_user, reason="test")
    elif setup == "unknown_destination":
        target = account_number_generate()
    elif setup == "system_destination":
        target = system_account(code="cash", currency="USD").number
    before = (balances(source, destination), Posting.objects.count(), LedgerEntry.objects.count())
    sender = source
    if setup == "someone_elses_source":
        sender = fund(AccountFactory(), 100_00)
        before = (balances(source, destination), Posting.objects.count(), LedgerEntry.objects.count())
    response = send(customer_client, sender, target, amount, currency)
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert (balances(source, destination), Posting.objects.count(), LedgerEntry.objects.count()) == before
    assert not Transfer.objects.exists()
    assert not IdempotencyKey.objects.exists(), "a failed request leaves no key behind"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("destination_account_number", "12345"),
        ("destination_account_number", "123456789012"),  # wrong check digits
        ("source_account", "abc"),
        ("source_account", 2**70),
        ("currency", "XYZ"),
        ("amount", 10.5),
        ("amount", "-1.00"),
        ("description", "x" * 141),
    ],
)
def test_field_errors_are_400_naming_the_field(customer_client, source, destination, field, value):
    payload = {"destination_account_number": destination.number, field: value}
    number = payload.pop("destination_account_number")
    response = send(customer_client, payload.pop("source_account", source.pk), number, **payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert balances(source) == [100_00]


def test_missing_body_fields_are_named(customer_client):
    response = customer_client.post("/api/transfers", {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "source_account",
        "destination_account_number",
        "amount",
        "currency",
    }


INVALID_AMOUNTS = st.one_of(
    st.text(max_size=30).filter(lambda text: not text.replace(".", "", 1).isascii() or not text.strip()),
    st.integers().map(str).filter(lambda text: text.startswith("-") or int(text) == 0),
    st.decimals(allow_nan=True, allow_infinity=True)
    .map(str)
    .filter(lambda text: "E" in text or "N" in text or "I" in text),
    st.from_regex(r"\A[0-9]{1,5}\.[0-9]{3,8}\Z"),
    st.from_regex(r"\A[0-9]{18,40}\Z"),
    st.sampled_from(
        ["1e5", "1E-2", " 1.00", "1.00 ", "+1", "0x10", "1_000", "\u0661.\u0660\u0660", "0.00", "NaN", "-0.0"]
    ),
    st.floats(allow_nan=False, allow_infinity=False)
    | st.integers()
    | st.booleans()
    | st.none()
    | st.lists(st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=INVALID_AMOUNTS)
def test_any_invalid_amount_is_a_400_and_changes_nothing(customer_client, source, destination, amount):
    response = send(customer_client, source, destination.number, amount)
    assert response.status_code == 400, (amount, response.json())
    assert "amount" in response.json()["fields"]
    assert balances(source, destination) == [100_00, 0]
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_json_numbers_in_the_body_are_400(customer_client, source, destination, literal):
    body = (
        f'{{"source_account": {source.pk}, "destination_account_number": "{destination.number}", '
        f'"amount": {literal}, "currency": "USD"}}'
    )
    response = customer_client.post(
        "/api/transfers", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"parse_error", "validation_error"}
    assert balances(source, destination) == [100_00, 0]


class TestIdempotency:
    def test_same_key_and_body_replays_the_first_response(self, customer_client, source, destination):
        first = send(customer_client, source, destination.number, key="pay-rent-1")
        again = send(customer_client, source, destination.number, key="pay-rent-1")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert Transfer.objects.count() == Posting.objects.filter(kind="transfer").count() == 1
        assert balances(source) == [90_00]

    def test_same_key_with_another_body_is_422(self, customer_client, source, destination):
        send(customer_client, source, destination.number, "10.00", key="k")
        response = send(customer_client, source, destination.number, "11.00", key="k")
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert Transfer.objects.count() == 1

    def test_key_still_in_progress_is_409(self, customer_client, customer, source, destination):
        from transfers.idempotency import request_fingerprint

        body = {
            "source_account": source.pk,
            "destination_account_number": destination.number,
            "amount": "10.00",
            "currency": "USD",
            "description": "rent",
        }
        IdempotencyKey.objects.create(
            customer=customer,
            key="busy",
            fingerprint=request_fingerprint(method="POST", path="/api/transfers", body=body),
        )
        response = send(customer_client, source, destination.number, key="busy")
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_request_in_progress"
        assert not Transfer.objects.exists()

    @pytest.mark.parametrize("key", [False, "", "k" * 256, "tab\there", "ключ"])
    def test_missing_or_malformed_key_is_400(self, customer_client, source, destination, key):
        headers = {} if key is False else {"HTTP_IDEMPOTENCY_KEY": key}
        response = customer_client.post(
            "/api/transfers",
            {
                "source_account": source.pk,
                "destination_account_number": destination.number,
                "amount": "1.00",
                "currency": "USD",
            },
            format="json",
            **headers,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "idempotency_key_invalid"
        assert not Transfer.objects.exists()

    def test_keys_are_scoped_to_the_customer(self, customer_client, source, destination, bearer_client):
        send(customer_client, source, destination.number, key="shared-key")
        other_source = fund(AccountFactory(), 50_00)
        response = send(
            bearer_client(other_source.customer), other_source, destination.number, key="shared-key"
        )
        assert response.status_code == 201
        assert Transfer.objects.count() == 2

    def test_a_failed_request_frees_its_key(self, customer_client, source, destination):
        assert send(customer_client, source, destination.number, "500.00", key="k").status_code == 422
        assert send(customer_client, source, destination.number, "500.00", key="k").status_code == 422
        fund(source, 500_00)
        assert send(customer_client, source, destination.number, "500.00", key="k").status_code == 201


def test_keys_older_than_a_day_are_forgotten(customer_client, source, destination):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    send(customer_client, source, destination.number, "1.00", key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # A day-old key starts over: the same key may now move money again.
    assert send(customer_client, source, destination.number, "2.00", key="old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency_keys")
    assert not IdempotencyKey.objects.exists()
    assert Transfer.objects.count() == 2


def test_a_key_freed_between_collision_and_read_is_a_409_not_a_500(customer, monkeypatch):
    """Request B's insert collides with A's claim; A fails and frees the key before B reads it."""
    from django.db import IntegrityError

    from transfers import idempotency

    def collide(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(idempotency, "_claim_insert", collide)
    assert not IdempotencyKey.objects.exists()  # A has freed it already
    with pytest.raises(idempotency.IdempotencyKeyInProgress):
        idempotency.idempotency_claim(customer=customer, key="racy", fingerprint="f")


class TestDescriptions:
    @pytest.mark.parametrize("description", ["\x1b[2J paid", "rent\r\nrefund", "\u202egnp.exe"])
    def test_control_and_format_characters_are_a_400_naming_the_field(
        self, customer_client, source, destination, description
    ):
        response = send(customer_client, source, destination.number, description=description)
        assert response.status_code == 400, response.json()
        assert response.json()["fields"]["description"][0]["code"] == "invalid_character"
        assert balances(source, destination) == [100_00, 0]

    def test_descriptions_are_stored_nfc(self, customer_client, source, destination):
        response = send(customer_client, source, destination.number, description="Cafe\u0301")
        assert response.json()["description"] == "Café"
        assert Transfer.objects.get().description == "Café"
        assert LedgerEntry.objects.filter(description="Café").count() == 2


class TestTakeover:
    def test_a_request_whose_claim_was_taken_over_moves_nothing_and_keeps_its_successors_key(
        self, customer, source, destination
    ):
        from datetime import timedelta

        from django.utils import timezone

        from transfers.idempotency import IdempotencyKeyInProgress, idempotency_claim
        from transfers.services.transfers import transfer_create

        def pay(claim):
            return transfer_create(
                customer=customer,
                source_account_id=source.pk,
                destination_number=destination.number,
                amount=10_00,
                currency="USD",
                description="",
                auth_token=None,
                idempotency_claim=claim,
            )

        first = idempotency_claim(customer=customer, key="k", fingerprint="f")
        IdempotencyKey.objects.update(claimed_at=timezone.now() - timedelta(minutes=5))
        successor = idempotency_claim(customer=customer, key="k", fingerprint="f")

        with pytest.raises(IdempotencyKeyInProgress):
            pay(first)
        assert first.release() is False
        with pytest.raises(IdempotencyKeyInProgress):
            idempotency_claim(customer=customer, key="k", fingerprint="f")
        pay(successor)
        assert balances(source) == [90_00]
        assert Transfer.objects.count() == 1


def test_a_transfer_records_its_row_its_claim_and_an_audit_event_the_chain_seals(
    customer_client, customer, source, destination
):
    # On PostgreSQL the three are written in the posting's own statement, elsewhere with the
    # ORM: the rows must be the same either way.
    response = customer_client.post(
        "/api/transfers",
        {
            "source_account": source.pk,
            "destination_account_number": destination.number,
            "amount": "25.50",
            "currency": "USD",
            "description": "rent",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-record",
        HTTP_X_REQUEST_ID="caller-1",
        HTTP_USER_AGENT="bankcore-ios/3.1",
    )
    assert response.status_code == 201, response.json()
    transfer = Transfer.objects.get()
    assert (
        transfer.customer_id,
        transfer.source_id,
        transfer.destination_id,
        transfer.amount,
        transfer.currency,
        transfer.description,
        transfer.status,
    ) == (customer.pk, source.pk, destination.pk, 25_50, "USD", "rent", "completed")
    assert transfer.posting.kind == Posting.Kind.TRANSFER
    assert response.json()["id"] == transfer.pk
    assert response.json()["posting_id"] == transfer.posting_id
    key = IdempotencyKey.objects.get(key="k-record")
    assert (key.status, key.result_type, key.result_id) == ("completed", "transfers.transfer", transfer.pk)
    event = AuditEvent.objects.get(action=actions.TRANSFER_CREATED)
    assert {
        name: getattr(event, name)
        for name in (
            "actor_id",
            "actor_label",
            "object_type",
            "object_id",
            "before",
            "after",
            "ip_address",
            "user_agent",
            "request_id",
            "client_request_id",
            "sequence",
            "previous_hash",
            "hash",
        )
    } == {
        "actor_id": customer.pk,
        "actor_label": customer.email,
        "object_type": "transfers.transfer",
        "object_id": str(transfer.pk),
        "before": None,
        "after": {
            "source": source.pk,
            "destination": destination.pk,
            "amount": 25_50,
            "currency": "USD",
            "posting": transfer.posting_id,
        },
        "ip_address": "127.0.0.1",
        "user_agent": "bankcore-ios/3.1",
        "request_id": response["X-Request-ID"],
        "client_request_id": "caller-1",
        "sequence": None,
        "previous_hash": "",
        "hash": "",
    }
    assert event.occurred_at is not None
    assert audit_seal(margin_seconds=0).sealed == AuditEvent.objects.count()
    assert audit_verify().ok
