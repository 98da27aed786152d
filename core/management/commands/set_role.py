import os

from django.core.management.base import BaseCommand, CommandError

from core.roles import ROLES
from core.services import UnknownRole, user_ensure_with_role


class Command(BaseCommand):
    help = (
        "Give USER a role: viewer (reads everything, changes nothing), editor (alert rules, "
        "silences, dashboards, forecasts, load tests) or admin (also users, tokens, channels, "
        "the Django admin). Creates the user if missing, with an unusable password unless "
        "HYDRA_SET_ROLE_PASSWORD is set."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("user", help="username (created if missing)")
        parser.add_argument("role", help=" | ".join(ROLES))

    def handle(self, *args, user: str, role: str, **options) -> None:
        password = os.environ.get("HYDRA_SET_ROLE_PASSWORD") or None
        try:
            account, created = user_ensure_with_role(username=user, role=role, password=password)
        except UnknownRole as exc:
            raise CommandError(str(exc)) from None
        if created:
            how = (
                "with the password in HYDRA_SET_ROLE_PASSWORD"
                if password
                else (
                    "without a usable password (set one in the Django admin or with "
                    "manage.py changepassword)"
                )
            )
            self.stdout.write(f"Created user {account.username!r} {how}.")
        self.stdout.write(self.style.SUCCESS(f"{account.username} is now {role}."))
