from django.utils import timezone
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions

from accounts import cache
from bankcore.cache import get_or_set
from bankcore.middleware import authorization_header
from bankcore.observability import request_user_set


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` against knox's hashed, expiring tokens.

    The session (the token, found by its SHA-512 digest, knox's primary key, and its
    user) is cached under the token's generation, which only a token that exists gets.
    Logout and
    any change to the user (password, profile, deactivation) retire it, so a warm request
    needs no SQL and an ended session ends at once. A token issued before the user's last
    password change is refused, however the password was changed.
    """

    def authenticate(self, request):
        """knox's ``authenticate``, the header read from ``META`` (see
        ``bankcore.middleware.authorization_header``); the same answers and messages."""
        # The Django request, which may already hold the token's digest (see
        # CachePrefetchMiddleware); this instance serves this one request.
        self._http_request = request._request
        words = authorization_header(request._request).split()
        if not words or words[0].lower() != self.authenticate_header(request).encode().lower():
            return None  # no header, or one for another scheme
        if len(words) == 1:
            raise exceptions.AuthenticationFailed(_("Invalid token header. No credentials provided."))
        if len(words) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        return self.authenticate_credentials(words[1])

    def authenticate_credentials(self, token: bytes):
        try:
            token_text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise self._invalid() from None
        http_request = getattr(self, "_http_request", None)
        digest = (
            hash_token(token_text)
            if http_request is None
            else cache.bearer_token_digest(http_request, token_text)
        )
        auth_token = get_or_set(
            cache.session(digest),
            lambda: AuthToken.objects.select_related("user").filter(digest=digest).first(),
        )
        if auth_token is None or auth_token.expiry is None or auth_token.expiry <= timezone.now():
            raise self._invalid()
        user = auth_token.user
        if not user.is_active or auth_token.created < user.password_changed_at:
            raise self._invalid()
        request_user_set(user.pk)
        cache.token_owner_remember(digest, user.pk)
        return user, auth_token

    @staticmethod
    def _invalid() -> exceptions.AuthenticationFailed:
        return exceptions.AuthenticationFailed("Invalid or expired token.")
