import factory
from django.contrib.auth.models import Permission

from accounts.models import Account, User
from accounts.numbers import account_number_generate

DEFAULT_PASSWORD = "correct-horse-Battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    """A customer with DEFAULT_PASSWORD, created through the manager like a real sign-up."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"customer{n}@example.test")
    full_name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class, *args, password: str = DEFAULT_PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)


class AccountFactory(factory.django.DjangoModelFactory):
    """An empty customer account; fund it through the ledger with ``fund()``."""

    class Meta:
        model = Account

    number = factory.LazyFunction(account_number_generate)
    customer = factory.SubFactory(UserFactory)
    kind = Account.Kind.CHECKING
    currency = "USD"


def fund(account: Account, amount: int) -> Account:
    """Deposit ``amount`` minor units through the posting service, like a teller would."""
    from accounts.services.deposits import deposit_create

    teller = User.objects.filter(email="teller@bankcore.test").first()
    if teller is None:
        teller = UserFactory(email="teller@bankcore.test", is_staff=True)
        teller.user_permissions.add(Permission.objects.get(codename="post_deposit"))
    deposit_create(account=account, amount=amount, reason="test funding", actor=teller)
    account.refresh_from_db()
    return account
