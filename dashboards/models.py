"""Saved dashboards (the overview and host pages compose other apps' data, and own none)."""

from django.db import models


class Dashboard(models.Model):
    """A saved dashboard: panels (query + chart type + size), variables, a default range.

    ``definition`` is the JSON document users export and import; it is validated by
    ``dashboards.definition.validate_definition``.
    """

    title = models.CharField(max_length=200)
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="dashboards")
    shared = models.BooleanField(default=True, help_text="visible to the whole team")
    definition = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    provisioned = models.BooleanField(
        default=False, editable=False, help_text="loaded by manage.py provision: read-only here"
    )
    source = models.CharField(max_length=500, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "metrics_dashboard"  # from before the dashboards app existed: data stays put
        ordering = ["title", "id"]
        permissions = [
            ("change_any_dashboard", "Can edit and delete other users' shared dashboards")
        ]

    def __str__(self) -> str:
        return self.title
