from rest_framework.routers import SimpleRouter

from transfers.api.views import TransferViewSet
from transfers.api.wires import WireTransferViewSet

router = SimpleRouter(trailing_slash=False)
router.register("transfers", TransferViewSet, basename="transfer")
router.register("wire-transfers", WireTransferViewSet, basename="wire-transfer")

urlpatterns = router.urls
