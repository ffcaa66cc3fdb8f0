"""Audit for back-office (session) logins, and cache retirement for users and tokens.

The API's login service audits its own logins. Users and tokens change from many places
(the API, the admin, ``manage.py changepassword``, knox): their cached copies are retired
from these receivers so that no path can forget it.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from knox.models import AuthToken

from accounts import cache as keys
from accounts.models import User, normalize_email
from audit import actions
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="accounts.audit_session_login")
def audit_session_login(sender, request, user, **kwargs):
    if request is not None:
        audit_record(action=actions.LOGIN_SUCCEEDED, actor=user, target=user, after={"via": "admin"})


@receiver(user_login_failed, dispatch_uid="accounts.audit_session_login_failed")
def audit_session_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        email = normalize_email(credentials.get("username") or credentials.get("email") or "")
        audit_record(
            action=actions.LOGIN_FAILED,
            object_type="accounts.user",
            after={"email": email, "via": "admin"},
        )


@receiver(post_save, sender=User, dispatch_uid="accounts.retire_cached_user")
def retire_cached_user(sender, instance, created, **kwargs):
    # Sessions carry the user: a changed user retires every cached session of theirs.
    if not created:
        keys.tokens_ended(AuthToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))


@receiver(post_delete, sender=AuthToken, dispatch_uid="accounts.retire_cached_token")
def retire_cached_token(sender, instance, **kwargs):
    keys.tokens_ended([instance.digest])
