"""Audit for back-office (session) logins; the API's login service audits its own."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.models import normalize_email
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
