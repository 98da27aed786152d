from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, User

from core.models import ApiToken
from core.roles import ADMIN, EDITOR, ROLES, VIEWER, role_of
from core.services import user_role_set

ROLE_HELP = (
    "viewer: reads everything, changes nothing · editor: alert rules, silences, "
    "acknowledgements, dashboards, forecasts, load tests · admin: everything, this admin "
    "included (admins are staff)."
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with ``manage.py create_api_token``: the admin lists and revokes them."""

    list_display = ("prefix", "name", "user", "read_only", "created_at", "last_used_at")
    list_filter = ("read_only",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False


def _role_field(initial: str = VIEWER) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[(r, r) for r in ROLES], initial=initial, help_text=ROLE_HELP)


class UserRoleCreationForm(AdminUserCreationForm):
    role = _role_field()


class UserRoleChangeForm(UserChangeForm):
    role = _role_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = role_of(self.instance) or VIEWER
        if "groups" in self.fields:  # the role groups are set by the role field
            self.fields["groups"].queryset = Group.objects.exclude(name__in=ROLES)  # type: ignore[attr-defined]
            self.fields["groups"].help_text = "Other groups, beyond the role."


def _with_role(fieldsets, fields_before_role: tuple[str, ...]) -> tuple:
    """``fieldsets`` with "is_staff" replaced by "role" (staff follows the role)."""
    out = []
    for name, options in fieldsets:
        fields = [f for f in options["fields"] if f != "is_staff"]
        if fields_before_role and fields_before_role[-1] in fields:
            fields.insert(fields.index(fields_before_role[-1]) + 1, "role")
        out.append((name, {**options, "fields": tuple(fields)}))
    return tuple(out)


admin.site.unregister(User)


@admin.register(User)
class RoleUserAdmin(UserAdmin):
    """Users with their role. A new user is a viewer unless another role is chosen; the role
    sets the role groups and "staff" (admins only), see ``core.services.user_role_set``."""

    form = UserRoleChangeForm
    add_form = UserRoleCreationForm
    fieldsets = _with_role(UserAdmin.fieldsets, ("is_active",))
    add_fieldsets = _with_role(UserAdmin.add_fieldsets, ("password2",))
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_superuser")
    actions = ["make_viewer", "make_editor", "make_admin"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role(self, obj: User) -> str:
        if obj.is_superuser:
            return ADMIN
        names = {g.name for g in obj.groups.all()}
        return next((r for r in reversed(ROLES) if r in names), "—")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user_role_set(user=form.instance, role=form.cleaned_data["role"])

    def _set_role(self, request, queryset, role: str) -> None:
        for user in queryset:
            user_role_set(user=user, role=role)
        self.message_user(request, f"{queryset.count()} users are now {role}s.", messages.SUCCESS)

    @admin.action(description="Give the viewer role")
    def make_viewer(self, request, queryset) -> None:
        self._set_role(request, queryset, VIEWER)

    @admin.action(description="Give the editor role")
    def make_editor(self, request, queryset) -> None:
        self._set_role(request, queryset, EDITOR)

    @admin.action(description="Give the admin role")
    def make_admin(self, request, queryset) -> None:
        self._set_role(request, queryset, ADMIN)
