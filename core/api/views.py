from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.api.authentication import forget_token
from core.api.serializers import ApiTokenCreatedSerializer, ApiTokenSerializer
from core.models import ApiToken
from core.services import api_token_create


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens: list, create (the key is returned once), revoke."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ApiToken.objects.none()
        return self.request.user.api_tokens.all()

    @extend_schema(responses=ApiTokenCreatedSerializer)
    def create(self, request, *args, **kwargs):
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = api_token_create(user=request.user, **serializer.validated_data)
        token.key = key
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance) -> None:
        instance.delete()
        forget_token(instance.key_hash)
