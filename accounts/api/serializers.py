from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.errors import PasswordTooWeak
from accounts.models import Account, LedgerEntry, User, normalize_email
from accounts.validators import validate_email_not_lookalike
from bankcore.api.fields import CurrencyField, FreeTextField, MoneyField, iso_datetime
from bankcore.money import format_amount


def _validated_password(password: str, user: User, *, field: str) -> str:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise PasswordTooWeak(field=field, messages=list(exc.messages)) from None
    return password


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, validators=[validate_email_not_lookalike])
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    full_name = FreeTextField(max_length=200, required=False, allow_blank=True, default="")

    def validate_email(self, value: str) -> str:
        return normalize_email(value)

    def validate(self, attrs):
        candidate = User(email=attrs["email"], full_name=attrs.get("full_name", ""))
        _validated_password(attrs["password"], candidate, field="password")
        return attrs


class LoginInputSerializer(serializers.Serializer):
    email = FreeTextField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordChangeInputSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate_new_password(self, value: str) -> str:
        return _validated_password(value, self.context["user"], field="new_password")


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined"]
        read_only_fields = fields


def user_body(user: User) -> dict:
    """UserOutputSerializer's output, written directly (``/auth/me`` on a cached session
    is otherwise mostly the serializer). The serializer stays the schema's declaration; a
    test keeps the two identical."""
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "date_joined": iso_datetime(user.date_joined),
    }


class SessionOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    user = UserOutputSerializer()


class AccountOpenInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Account.Kind.CHECKING, Account.Kind.SAVINGS])
    currency = CurrencyField()


class AccountOutputSerializer(serializers.ModelSerializer):
    balance = MoneyField()
    available_balance = MoneyField()

    class Meta:
        model = Account
        fields = ["id", "number", "kind", "currency", "status", "balance", "available_balance", "opened_at"]
        read_only_fields = fields


def account_body(account: Account) -> dict:
    """AccountOutputSerializer's output, built directly: the accounts list and detail are
    hot reads, and a ModelSerializer costs more than the rest of a cached request. The
    serializer stays the schema's declaration; a test keeps the two identical."""
    currency = account.currency
    return {
        "id": account.pk,
        "number": account.number,
        "kind": account.kind,
        "currency": currency,
        "status": account.status,
        "balance": format_amount(account.balance, currency),
        "available_balance": format_amount(account.available_balance, currency),
        "opened_at": iso_datetime(account.opened_at),
    }


def balance_body(account: Account) -> dict:
    """BalanceOutputSerializer's output, built directly: the balance is bankcore's hottest
    read, and a DRF serializer costs more than the rest of the cached request. A test
    keeps the two identical."""
    return {
        "account_id": account.pk,
        "currency": account.currency,
        "balance": format_amount(account.balance, account.currency),
        "available_balance": format_amount(account.available_balance, account.currency),
        "as_of": iso_datetime(account.updated_at),
    }


class BalanceOutputSerializer(serializers.Serializer):
    account_id = serializers.IntegerField(source="id")
    currency = serializers.CharField()
    balance = MoneyField()
    available_balance = MoneyField()
    as_of = serializers.DateTimeField(source="updated_at")


class LedgerEntryOutputSerializer(serializers.ModelSerializer):
    account_id = serializers.IntegerField()
    posting_id = serializers.IntegerField()
    amount = MoneyField()
    balance_after = MoneyField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "account_id",
            "posting_id",
            "type",
            "status",
            "amount",
            "balance_after",
            "currency",
            "description",
            "created_at",
        ]
        read_only_fields = fields


def entry_body(row: dict) -> dict:
    """LedgerEntryOutputSerializer's output for one row of ``selectors.entry_rows``, built
    directly: a history page is up to 200 of them, and the serializer cost more than the
    rest of the request. The serializer stays the schema's declaration; a test keeps the
    two identical."""
    currency = row["currency"]
    return {
        "id": row["id"],
        "account_id": row["account_id"],
        "posting_id": row["posting_id"],
        "type": row["type"],
        "status": row["status"],
        "amount": format_amount(row["amount"], currency),
        "balance_after": format_amount(row["balance_after"], currency),
        "currency": currency,
        "description": row["description"],
        "created_at": iso_datetime(row["created_at"]),
    }
