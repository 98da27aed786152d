import os

from django.core.management.base import BaseCommand

from core.services import AdminEnsured, admin_ensure


def describe(done: AdminEnsured) -> str:
    """One line saying what ``ensure_admin`` did (the generated password shown once)."""
    name = done.user.get_username()
    if done.generated:
        return (
            f"\n  Demo admin created: user {name!r}, password {done.generated!r}"
            "\n  (shown once; change it in /admin/ or set HYDRA_ADMIN_PASSWORD)\n"
        )
    if done.created:
        return f"Demo admin created: user {name!r}, password from HYDRA_ADMIN_PASSWORD."
    if done.password_set:
        return f"Admin user {name!r} exists; its password was set from HYDRA_ADMIN_PASSWORD."
    return f"Admin user {name!r} exists."


class Command(BaseCommand):
    help = (
        "Create the demo admin if missing (HYDRA_ADMIN_USER / HYDRA_ADMIN_PASSWORD, default "
        "user 'admin' with a random password printed once)."
    )

    def handle(self, *args, **options) -> None:
        done = admin_ensure(
            username=os.environ.get("HYDRA_ADMIN_USER", "admin"),
            password=os.environ.get("HYDRA_ADMIN_PASSWORD") or None,
            email=os.environ.get("HYDRA_ADMIN_EMAIL", ""),
        )
        message = describe(done)
        self.stdout.write(self.style.SUCCESS(message) if done.created else message)
