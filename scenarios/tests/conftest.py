import pytest

from scenarios.engine.testserver import TargetServer


@pytest.fixture
async def target():
    """A real HTTP target in this process (fast, slow, status, chunked, capacity endpoints)."""
    server = TargetServer()
    await server.start()
    yield server
    await server.stop()
