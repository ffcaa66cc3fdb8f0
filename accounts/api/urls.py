from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import signin
from accounts.api.bank_accounts import AccountViewSet
from accounts.api.ledger import LedgerEntryViewSet

router = SimpleRouter(trailing_slash=False)
router.register("accounts", AccountViewSet, basename="account")
router.register("transactions", LedgerEntryViewSet, basename="transaction")

urlpatterns = [
    *router.urls,
    path("auth/register", signin.RegisterView.as_view(), name="auth-register"),
    path("auth/login", signin.LoginView.as_view(), name="auth-login"),
    path("auth/logout", signin.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", signin.MeView.as_view(), name="auth-me"),
    path("auth/password", signin.PasswordChangeView.as_view(), name="auth-password"),
]
