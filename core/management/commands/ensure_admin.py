import os

from django.core.management.base import BaseCommand

from core.services import admin_ensure


class Command(BaseCommand):
    help = (
        "Create the demo admin if missing (HYDRA_ADMIN_USER / HYDRA_ADMIN_PASSWORD, default "
        "user 'admin' with a random password printed once)."
    )

    def handle(self, *args, **options) -> None:
        username = os.environ.get("HYDRA_ADMIN_USER", "admin")
        user, password = admin_ensure(
            username=username,
            password=os.environ.get("HYDRA_ADMIN_PASSWORD") or None,
            email=os.environ.get("HYDRA_ADMIN_EMAIL", ""),
        )
        if password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"\n  Demo admin created: user {username!r}, password {password!r}"
                    "\n  (shown once; change it in /admin/ or set HYDRA_ADMIN_PASSWORD)\n"
                )
            )
        else:
            self.stdout.write(f"Admin user {username!r} exists.")
