from rest_framework.routers import SimpleRouter

from core.api.views import ApiTokenViewSet

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")
urlpatterns = router.urls
