from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.roles import role_of
from core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USER and print its key (shown once; only its hash is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("user", help="username of an existing user")
        parser.add_argument("--read-only", action="store_true", help="token can't write")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, user: str, read_only: bool, name: str, **options) -> None:
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(
                f"No user named {user!r}. Create one with: manage.py createsuperuser"
            )
        token, key = api_token_create(user=account, read_only=read_only, name=name)
        role = role_of(account)
        scope = "read-only" if token.read_only else "read-write"
        self.stderr.write(
            f"Created a {scope} API token for user {account.get_username()!r} "
            f"(prefix {token.prefix}, role {role}). Its key, on the next line, is shown only once."
            if role
            else f"Created a {scope} API token for user {account.get_username()!r} "
            f"(prefix {token.prefix}), who has no role: it can do nothing until "
            f"`manage.py set_role {account.get_username()} viewer|editor|admin`. "
            "Its key, on the next line, is shown only once."
        )
        self.stdout.write(key)
