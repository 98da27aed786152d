from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.authentication import forget_token
from core.api.serializers import ApiTokenCreatedSerializer, ApiTokenSerializer
from core.models import ApiToken
from core.services import api_token_create

USER_PARAM = OpenApiParameter(
    "user",
    str,
    description="Admins: another user's tokens (a username), or everyone's (`*`).",
)


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens: list, create (the key is returned once), revoke. Every
    role manages its own (a token never does more than its user's role); admins
    (``core.view_apitoken``, ``core.delete_apitoken``) list and revoke anyone's."""

    serializer_class = ApiTokenSerializer
    required_perms = {"GET": "", "POST": "", "DELETE": ""}  # own tokens; others' checked below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ApiToken.objects.none()
        user = self.request.user
        if self.action == "destroy" and user.has_perm("core.delete_apitoken"):
            return ApiToken.objects.select_related("user")
        whose = self.request.query_params.get("user", "") if self.action == "list" else ""
        if not whose or whose == user.get_username():
            return user.api_tokens.select_related("user")
        if not user.has_perm("core.view_apitoken"):
            raise PermissionDenied("Only admins may list other users' tokens.")
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        return tokens if whose == "*" else tokens.filter(user__username=whose)

    @extend_schema(parameters=[USER_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

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
