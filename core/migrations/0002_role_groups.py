# Team roles (core/roles.py): the three groups, and a role for every existing account so an
# upgrade changes nothing anyone could do that they should keep doing: staff and superusers
# become admins, everyone else an editor (before roles, any signed-in user could change
# anything but the Django admin). The groups' permissions are set after every migrate by
# core.roles.sync_after_migrate (permissions only exist once post_migrate has run).

from django.conf import settings
from django.db import migrations

ROLES = ("viewer", "editor", "admin")


def give_existing_users_a_role(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    groups = {name: Group.objects.using(db).get_or_create(name=name)[0] for name in ROLES}
    without_role = User.objects.using(db).exclude(groups__name__in=ROLES)
    for user in without_role:
        admin = user.is_staff or user.is_superuser
        user.groups.add(groups["admin" if admin else "editor"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(give_existing_users_a_role, migrations.RunPython.noop)]
