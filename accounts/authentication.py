from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions

from accounts import cache as keys
from accounts.models import User
from bankcore.cache import TTL, generations, get_or_set


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` against knox's hashed, expiring tokens.

    The token (found by its SHA-512 digest, knox's primary key) and its user are each
    cached under their own generation, read before the database is: logout and password
    changes bump them, so a warm request needs no SQL and an ended session ends at once.
    A token issued before the user's last password change is refused, however the
    password was changed.
    """

    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed("Invalid or expired token.")
        try:
            digest = hash_token(token.decode("utf-8"))
        except UnicodeDecodeError:
            raise invalid from None
        auth_token = get_or_set(
            "token",
            keys.token_key(digest, generations((keys.TOKEN, digest))),
            lambda: AuthToken.objects.filter(digest=digest).first(),
            timeout=TTL.MEDIUM,
        )
        if auth_token is None or auth_token.expiry is None or auth_token.expiry <= timezone.now():
            raise invalid
        user = get_or_set(
            "user",
            keys.user_key(auth_token.user_id, generations((keys.USER, auth_token.user_id))),
            lambda: User.objects.filter(pk=auth_token.user_id).first(),
            timeout=TTL.MEDIUM,
        )
        if user is None or not user.is_active or auth_token.created < user.password_changed_at:
            raise invalid
        auth_token.user = user
        return user, auth_token
