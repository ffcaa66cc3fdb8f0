import factory

from accounts.models import User

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
