import pytest

from scenarios.engine.testserver import TargetServer


@pytest.fixture
async def target():
    """A real HTTP target in this process (fast, slow, status, chunked, capacity endpoints)."""
    server = TargetServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def target_server():
    """The same target in a background thread, for synchronous (Django) tests."""
    from scenarios.engine.testserver import ThreadedTargetServer

    with ThreadedTargetServer() as server:
        yield server


def arrival_spec(url: str, rate: float = 20, duration: float = 2, **extra) -> dict:
    """A small constant-arrival-rate spec against ``url``."""
    spec = {"requests": [{"url": url}], "executor": "constant-arrival-rate"}
    return {**spec, "rate": rate, "duration": duration, **extra}


@pytest.fixture
def make_scenario(owner):
    from scenarios.services import scenario_create

    def make(url: str = "http://127.0.0.1:9/fast", name: str = "checkout", **spec):
        return scenario_create(name=name, spec=arrival_spec(url, **spec), user=owner)

    return make
