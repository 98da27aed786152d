"""A database migrated before the core and dashboards apps existed upgrades in place: API
tokens (table ``hydra_apitoken``, app ``hydra``) and saved dashboards (``metrics``) keep their
rows, and their content types (so permissions) move with them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import hash_key

pytestmark = pytest.mark.django_db(transaction=True)
OLD = [("metrics", "0006_rollup_pending"), ("core", None), ("dashboards", None)]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def as_before_the_move() -> None:
    """Content types as the old main had them (the tables are still there: moving the
    models back changed only Django's state)."""
    ContentType.objects.filter(app_label__in=["core", "dashboards"]).delete()
    ContentType.objects.get_or_create(app_label="hydra", model="apitoken")
    ContentType.objects.get_or_create(app_label="metrics", model="dashboard")


def test_tokens_and_dashboards_survive_the_upgrade(django_user_model):
    alice = django_user_model.objects.create_user("alice")
    old = migrate(OLD)
    as_before_the_move()
    old.get_model("metrics", "Dashboard").objects.create(
        owner_id=alice.pk, title="Team", definition={"panels": []}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO hydra_apitoken (user_id, name, key_hash, prefix, read_only, created_at)"
            " VALUES (%s, 'agent', %s, 'abcdefgh', false, CURRENT_TIMESTAMP)",
            [alice.pk, hash_key("abcdefgh-secret")],
        )
    try:
        new = migrate()
        token = new.get_model("core", "ApiToken").objects.get()
        assert (token.user_id, token.name, token.key_hash) == (
            alice.pk,
            "agent",
            hash_key("abcdefgh-secret"),
        )
        dashboard = new.get_model("dashboards", "Dashboard").objects.get()
        assert (dashboard.title, dashboard.owner_id) == ("Team", alice.pk)
        labels = set(ContentType.objects.values_list("app_label"))
        assert {("core",), ("dashboards",)} <= labels
        assert not {("hydra",)} & labels
    finally:
        migrate()


def test_a_fresh_database_gets_the_token_table(django_user_model):
    """Migrating from nothing creates ``hydra_apitoken`` (the test database was built so);
    the token model reads and writes it."""
    from core.services import api_token_create

    user = django_user_model.objects.create_user("bob")
    token, key = api_token_create(user=user, name="ci")
    assert "hydra_apitoken" in connection.introspection.table_names()
    assert token._meta.db_table == "hydra_apitoken"
    assert token.key_hash == hash_key(key)
