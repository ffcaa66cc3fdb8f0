from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views
from accounts.api.ledger_views import AccountViewSet, LedgerEntryViewSet

router = SimpleRouter(trailing_slash=False)
router.register("accounts", AccountViewSet, basename="account")
router.register("transactions", LedgerEntryViewSet, basename="transaction")

urlpatterns = [
    *router.urls,
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/password", views.PasswordChangeView.as_view(), name="auth-password"),
]
