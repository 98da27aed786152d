"""A /metrics server for the scraper tests: a real HTTP server in a thread whose answer
the test sets (body, status, Content-Type, a delay, or an endless stream)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Exposition:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/plain; version=0.0.4"
    delay_s: float = 0.0
    stream_bytes: int = 0  # > 0: send this many bytes, chunked, without a Content-Length
    requests: list[dict[str, str]]

    def __init__(self) -> None:
        self.requests = []


def _handler(expo: Exposition):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            expo.requests.append(dict(self.headers))
            time.sleep(expo.delay_s)
            self.send_response(expo.status)
            self.send_header("Content-Type", expo.content_type)
            if expo.stream_bytes:
                self._stream()
                return
            self.send_header("Content-Length", str(len(expo.body)))
            self.end_headers()
            self.wfile.write(expo.body)

        def _stream(self) -> None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            line = b"# a comment line, over and over\n" * 2048
            sent = 0
            try:
                while sent < expo.stream_bytes:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    sent += len(line)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def metrics_server() -> Iterator[tuple[Exposition, str]]:
    """(the exposition to set, the base URL ``http://127.0.0.1:PORT``)."""
    expo = Exposition()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(expo))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield expo, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def scrape_once(scraper) -> list:
    """``scraper.once()`` in a thread of its own: a browser test earlier in the session may
    have left an event loop running in this one. Its database connection is closed after."""
    import asyncio

    from django.db import connection

    out: list = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            out.extend(asyncio.run(scraper.once()))
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    if failure:
        raise failure[0]
    return out
