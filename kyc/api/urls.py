from django.urls import path
from rest_framework.routers import SimpleRouter

from kyc.api import views

router = SimpleRouter(trailing_slash=False)
router.register("kyc/documents", views.KycDocumentViewSet, basename="kyc-document")

urlpatterns = [
    *router.urls,
    path("kyc/status", views.KycStatusView.as_view(), name="kyc-status"),
    path("kyc/profile", views.KycProfileView.as_view(), name="kyc-profile"),
    path("kyc/submit", views.KycSubmitView.as_view(), name="kyc-submit"),
]
