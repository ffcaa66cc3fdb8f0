from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` against knox's hashed, expiring tokens.

    One indexed query per request: expired tokens are filtered out by the database
    rather than found and deleted on the request path, and a token issued before the
    user's last password change is refused.
    """

    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed("Invalid or expired token.")
        try:
            token_text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid from None
        digest = hash_token(token_text)
        candidates = AuthToken.objects.select_related("user").filter(
            token_key=token_text[: CONSTANTS.TOKEN_KEY_LENGTH], expiry__gt=timezone.now()
        )
        for auth_token in candidates:
            if compare_digest(digest, auth_token.digest):
                user = auth_token.user
                if not user.is_active or auth_token.created < user.password_changed_at:
                    raise invalid
                return user, auth_token
        raise invalid
