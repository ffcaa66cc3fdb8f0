from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    LoginInputSerializer,
    PasswordChangeInputSerializer,
    RegisterInputSerializer,
    SessionOutputSerializer,
    UserOutputSerializer,
    user_body,
)
from accounts.services.signin import auth_login, auth_logout, user_change_password, user_register
from bankcore.api.renderers import json_response
from bankcore.api.schema import error_statuses
from bankcore.api.throttling import ClientAddressScopedThrottle
from bankcore.observability import current_request_context


def _session_response(user, token, expiry, *, status_code=status.HTTP_200_OK) -> Response:
    body = SessionOutputSerializer({"token": token, "expires_at": expiry, "user": user}).data
    return Response(body, status=status_code)


class RegisterView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressScopedThrottle]
    throttle_scope = "registration"

    @extend_schema(request=RegisterInputSerializer, responses={201: SessionOutputSerializer})
    # 409: the email is taken; 422: the password policy refuses the password.
    @error_statuses(409, 422)
    def post(self, request):
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, token, expiry = user_register(**serializer.validated_data)
        return _session_response(user, token, expiry, status_code=status.HTTP_201_CREATED)


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=LoginInputSerializer, responses={200: SessionOutputSerializer})
    # The failure limiter answers 429 by itself, without DRF's throttle classes.
    @error_statuses(429)
    def post(self, request):
        serializer = LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        context = current_request_context()
        user, token, expiry = auth_login(
            **serializer.validated_data, client_address=context.ip if context else None
        )
        return _session_response(user, token, expiry)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        auth_logout(user=request.user, auth_token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: UserOutputSerializer})
    def get(self, request):
        return json_response(request, user_body(request.user))


class PasswordChangeView(APIView):
    @extend_schema(request=PasswordChangeInputSerializer, responses={200: SessionOutputSerializer})
    # 422: the password policy refuses the new password; 429: too many wrong current passwords.
    @error_statuses(422, 429)
    def post(self, request):
        serializer = PasswordChangeInputSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        token, expiry = user_change_password(user=request.user, **serializer.validated_data)
        return _session_response(request.user, token, expiry)
