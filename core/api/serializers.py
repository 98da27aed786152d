from rest_framework import serializers

from core.models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "read_only", "user", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "user", "created_at", "last_used_at"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; only its hash is stored.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
