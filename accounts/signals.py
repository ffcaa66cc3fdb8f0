"""Cache retirement for users and tokens.

Logins, the admin's too, are audited by the login services. Users and tokens change from many places
(the API, the admin, ``manage.py changepassword``, knox): their cached copies are retired
from these receivers so that no path can forget it.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from knox.models import AuthToken

from accounts import cache
from accounts.models import User


@receiver(post_save, sender=User, dispatch_uid="accounts.retire_cached_user")
def retire_cached_user(sender, instance, created, **kwargs):
    # Sessions carry the user: a changed user retires every cached session of theirs.
    if not created:
        cache.tokens_ended(AuthToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))


@receiver(post_delete, sender=AuthToken, dispatch_uid="accounts.retire_cached_token")
def retire_cached_token(sender, instance, **kwargs):
    cache.tokens_ended([instance.digest])
