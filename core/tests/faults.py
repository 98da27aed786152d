"""Fault injection for the live-server tests: a private redis-server, a TCP proxy in front
of PostgreSQL that can be cut and restored, and Hydra's web process on the test database."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from contextlib import suppress

from django.db import connections

from core.tests.helpers import clean_env, free_port, start_daphne, wait_for


def database_url(host: str | None = None, port: int | None = None) -> str:
    """The test database as a DATABASE_URL (through ``host:port`` when given)."""
    conf = connections["default"].settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    user, password = conf["USER"], conf["PASSWORD"]
    where = f"{host or conf['HOST'] or '127.0.0.1'}:{port or conf['PORT'] or 5432}"
    return f"postgres://{user}:{password}@{where}/{conf['NAME']}"


class RedisServer:
    """``redis-server`` on a free port, no persistence; ``kill()`` is a crash."""

    def __init__(self) -> None:
        self.port = free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


class TcpProxy:
    """Forwards a local port to ``target``; ``cut()`` drops every connection and refuses new
    ones (the database gone), ``restore()`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self._links: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for link in self._links:
            with suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
            link.close()
        self._links.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def start_web(tmp_path, **env: str):
    """Hydra's web process (``python -m hydra.serve``) with ``env``; (process, base URL)."""
    port = free_port()
    log = (tmp_path / "web.log").open("w")
    full = clean_env(
        HYDRA_DATA_DIR=str(tmp_path),
        SECRET_KEY="fault-tests",
        HYDRA_EMBEDDED_SCHEDULER="false",
        **env,
    )
    process = start_daphne(port, full, log=log)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/login/")
    return process, base
