"""A real Alertmanager process and a local webhook sink, for the reference tests.

Debian's ``prometheus-alertmanager`` (0.25) runs as a plain process on a free loopback
port with its own storage directory; the sink records every webhook body it receives.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
EXTERNAL_URL = "http://alertmanager.test:9093"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # Alertmanager flushes many groups at once; 5 drops some


class WebhookSink:
    """Collects ``(monotonic time, path, body)`` for each POST."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str, dict]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                sink.received.append((time.monotonic(), self.path, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Alertmanager:
    """``prometheus-alertmanager`` with ``config_text`` on a free port."""

    def __init__(
        self, config_text: str, workdir: Path, env: dict | None = None, log_level: str = "info"
    ) -> None:
        config = workdir / "alertmanager.yml"
        config.write_text(config_text)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = (workdir / "alertmanager.log").open("w")
        self.process = subprocess.Popen(
            [
                str(BINARY), f"--config.file={config}", f"--storage.path={workdir / 'data'}",
                f"--web.listen-address={self.url.removeprefix('http://')}",
                "--cluster.listen-address=", f"--web.external-url={EXTERNAL_URL}", f"--log.level={log_level}",
            ],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )  # fmt: skip
        self._wait_ready(workdir / "alertmanager.log")

    def _wait_ready(self, log: Path, timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Alertmanager exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Alertmanager did not become ready")

    def post_alerts(self, alerts: list[dict]) -> None:
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts",
            data=json.dumps(alerts).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200, response.read()

    def get_alerts(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts", timeout=5) as response:
            return json.loads(response.read())

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far (from /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
