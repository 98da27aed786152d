"""The role tables' shape: a ``Case`` is one request on one kind of thing, with what each
actor must get. A refused request (401/403/404/405, or a redirect to a login page) changes
nothing and queues no work; an allowed write changes what its ``state`` reads (or queues
work, for runs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

READ = {
    "alice": 200, "bob": 200, "charlie": 200, "dana": 200, "anonymous": 401,
    "read_only_token": 200,
}  # fmt: skip
REFUSED = (401, 403, 404, 405)
LOGIN_PAGES = ("/login/", "/admin/login/")


def write(ok: int, *, bob: int | None = None, charlie: int = 403) -> dict[str, int]:
    """Editors (alice, bob) and the admin (dana) may; the viewer and read-only token may not."""
    return {
        "alice": ok, "bob": ok if bob is None else bob, "charlie": charlie, "dana": ok,
        "anonymous": 401, "read_only_token": 403,
    }  # fmt: skip


@dataclass(frozen=True)
class Case:
    thing: str
    action: str
    method: str
    url: str  # with {name} fields filled from world.ids
    expect: dict[str, int] = field(default_factory=lambda: READ)
    body: dict | str | Callable | None = None  # a callable: world -> the body
    state: Callable | None = None  # world -> a snapshot that an allowed write changes
    queues: bool = False  # an allowed request queues work after the commit (runs)
    prepare: Callable | None = None  # world -> None, before the request

    @property
    def id(self) -> str:
        return f"{self.thing}-{self.action}"


def params(cases: list[Case], actors: tuple[str, ...]) -> list:
    import pytest

    return [pytest.param(c, a, id=f"{c.id}-{a}") for c in cases for a in actors]


def send(client, case: Case, world, as_json: bool = True):
    url = case.url.format(**world.ids)
    call = getattr(client, case.method.lower())
    body = case.body(world) if callable(case.body) else case.body
    if body is None:
        return call(url)
    if isinstance(body, str):
        return call(url, body, content_type="text/plain")
    return call(url, body, format="json") if as_json else call(url, body)


def check(case: Case, actor: str, response, before, after, queued: int) -> None:
    """The status the table names; then the database: untouched when refused, changed (or
    work queued) when an allowed request writes."""
    expected = case.expect[actor]
    assert response.status_code == expected, (actor, response.status_code, response.content)
    if refused(response):
        assert after == before and queued == 0, "a refused request changed something"
    elif case.state is not None:
        assert after != before, "an allowed write changed nothing"
    if case.queues and not refused(response):
        assert queued >= 1, "an allowed run queued nothing"


def refused(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith(LOGIN_PAGES)
    return response.status_code in REFUSED


def try_case(case: Case, actor: str, client, world, capture, as_json: bool = True) -> None:
    """Send ``case`` as ``actor`` and check the answer and the database (``capture``:
    pytest-django's ``django_capture_on_commit_callbacks``, to see queued work)."""
    if case.prepare is not None:
        case.prepare(world)
    before = case.state(world) if case.state else None
    with capture() as queued:
        response = send(client, case, world, as_json)
    after = case.state(world) if case.state else None
    check(case, actor, response, before, after, len(queued))
