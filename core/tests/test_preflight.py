"""Full mode with a database that isn't there fails at once, in one line naming it."""

from __future__ import annotations

import socket
import time

import pytest

from core.preflight import check_database, database_problem
from core.tests.helpers import clean_env, free_port, manage

PG = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "USER": "postgres"}


def postgres_listening(port: int = 5432) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(not postgres_listening(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_manage_py_names_a_missing_database_in_one_line_and_exits():
    url = "postgres://postgres:postgres@127.0.0.1:5432/hydra_never_created_here"
    env = clean_env(DATABASE_URL=url, REDIS_URL="redis://127.0.0.1:6379/15", SECRET_KEY="k" * 60)
    started = time.monotonic()
    done = manage("migrate", "--noinput", env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        'Hydra: the PostgreSQL database "hydra_never_created_here" does not exist on '
        "127.0.0.1:5432; create it (createdb -h 127.0.0.1 -p 5432 -U postgres "
        "hydra_never_created_here) and run again."
    ]
    assert time.monotonic() - started < 10  # not the pool's 10 s timeout, nor retries


def test_a_server_that_is_not_there_is_one_line_too():
    problem = database_problem({**PG, "NAME": "hydra", "PORT": free_port()})
    assert problem is not None
    assert problem.startswith('Hydra: can\'t use the PostgreSQL database "hydra"')
    assert "\n" not in problem


def test_sqlite_and_commands_that_need_no_database_are_not_checked(monkeypatch):
    assert database_problem({"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}) is None
    monkeypatch.setattr("core.preflight.database_problem", lambda db: "checked")
    assert check_database(["manage.py", "makemigrations", "--check"]) is None
    assert check_database(["manage.py", "--help"]) is None
    assert check_database(["manage.py", "migrate"]) == "checked"
