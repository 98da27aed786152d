"""Fail fast, in one line, when the PostgreSQL database Hydra is configured for can't be
reached: ``manage.py`` checks it before running a command, so ``make run`` in full mode
with a database not yet created says so at once instead of logging pool warnings and
tracebacks until a 10 s timeout."""

from __future__ import annotations

import psycopg

#: Commands that don't need the database (or create it: tests use their own).
SKIP = {"help", "version", "test", "makemigrations", "check", "shell", "dbshell"}


def database_problem(db: dict) -> str | None:
    """What is wrong with the ``DATABASES["default"]`` entry ``db``, in one line, or None."""
    if not db.get("ENGINE", "").endswith("postgresql"):
        return None
    name, host, port = db.get("NAME", ""), db.get("HOST") or "localhost", db.get("PORT") or 5432
    try:
        psycopg.connect(
            dbname=name,
            host=host,
            port=port,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        where = f"{host}:{port}"
        if f'database "{name}" does not exist' in str(exc):
            return (
                f'Hydra: the PostgreSQL database "{name}" does not exist on {where}; create it '
                f"(createdb -h {host} -p {port} -U {db.get('USER') or 'postgres'} {name}) "
                "and run again."
            )
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f'Hydra: can\'t use the PostgreSQL database "{name}" on {where}: {first}'
    return None


def check_database(argv: list[str]) -> str | None:
    """The problem with the configured database for the command in ``argv``, or None."""
    command = argv[1] if len(argv) > 1 else "help"
    if command in SKIP or command.startswith("-"):
        return None
    from django.conf import settings

    return database_problem(settings.DATABASES["default"])
