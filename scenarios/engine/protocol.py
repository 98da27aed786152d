"""Minimal HTTP/1.1 response parser as an asyncio Protocol (one request at a time).

Latency is measured like k6's ``http_req_duration`` and wrk: from writing the request to
the last byte of the response, in the protocol callbacks (connect/TLS time excluded, and
no task-scheduling delay of the awaiting coroutine included).

Bodies are discarded while being counted; only the status code is returned. Framing:
Content-Length, chunked transfer coding (with trailers), or close-delimited; no body for
HEAD, 1xx, 204 and 304. Interim 1xx responses (except 101) are skipped.
"""

from __future__ import annotations

import asyncio
from time import perf_counter_ns

_HEAD, _LENGTH, _CHUNK, _TRAILER, _CLOSE, _DONE = range(6)
_MAX_HEAD = 65536


class ProtocolError(Exception):
    """The server sent something that is not valid HTTP/1.x."""


def _header(lower_head: bytes, name: bytes) -> bytes | None:
    """Value of header ``name`` (lowercase, with the leading CRLF) in a lowercased head."""
    i = lower_head.find(name)
    if i < 0:
        return None
    end = lower_head.find(b"\r\n", i + 2)
    return lower_head[i + len(name) : end if end > 0 else None].strip()


class ResponseProtocol(asyncio.Protocol):
    """One keep-alive connection; ``request()`` returns a future resolving to the status."""

    def __init__(self) -> None:
        """Idle connection state."""
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reusable = False
        self.bytes_received = 0
        self.latency_us = 0
        self._sent_ns = 0
        self._loop = asyncio.get_running_loop()
        self._fut: asyncio.Future[int] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._buf = b""
        self._state = _HEAD
        self._left = 0
        self._status = 0
        self._keep_alive = True
        self._head_request = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        """Complete a close-delimited body, or fail the pending request."""
        self.closed = True
        self.reusable = False
        if self._state == _CLOSE and self._fut is not None:
            self._finish()
        else:
            self._fail(exc or ConnectionResetError("server closed the connection"))

    def request(self, raw: bytes, head: bool, timeout: float) -> asyncio.Future[int]:
        """Write a pre-encoded request; the future gets the status or an exception."""
        fut = self._loop.create_future()
        if self.closed or self.transport is None:
            fut.set_exception(ConnectionResetError("connection already closed"))
            return fut
        self._fut, self._head_request = fut, head
        self._buf, self._state, self.bytes_received, self.reusable = b"", _HEAD, 0, False
        self._timer = self._loop.call_later(timeout, self._on_timeout, timeout)
        self._sent_ns = perf_counter_ns()
        self.transport.write(raw)
        return fut

    def data_received(self, data: bytes) -> None:
        """Feed bytes to the parser; resolve the future when the response is complete."""
        if self._fut is None:
            self.abort()  # unsolicited bytes: the connection cannot be trusted any more
            return
        self.bytes_received += len(data)
        buf = self._buf + data if self._buf else data
        self._buf = b""
        try:
            done = self._feed(buf)
        except (ValueError, ProtocolError) as exc:
            self._fail(ProtocolError(f"invalid HTTP response: {exc}"))
            self.abort()
            return
        if done:
            self._finish()

    def _feed(self, buf: bytes) -> bool:
        """Advance the state machine; True when the response is complete."""
        if self._state == _HEAD:
            rest = self._parse_head(buf)
            if rest is None:
                return False
            if self._state == _DONE:
                return True
            buf = rest
        if self._state == _LENGTH:
            self._left -= len(buf)
            if self._left < 0:
                self._keep_alive = False
            return self._left <= 0
        if self._state == _CLOSE:
            return False
        return self._feed_chunked(buf)

    def _parse_head(self, buf: bytes) -> bytes | None:
        """Parse status line and headers; returns the bytes after them (None: need more)."""
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _MAX_HEAD:
                    raise ProtocolError("response head larger than 64 KiB")
                self._buf = buf
                return None
            head, buf = buf[:end], buf[end + 4 :]
            if not head.startswith(b"HTTP/1."):
                raise ProtocolError(f"bad status line {head[:40]!r}")
            status = int(head[9:12])
            if 100 <= status < 200 and status != 101:
                continue
            self._start_body(status, head)
            return buf

    def _start_body(self, status: int, head: bytes) -> None:
        """Decide the body framing and keep-alive from the headers."""
        self._status = status
        lower = head.lower()
        connection = _header(lower, b"\r\nconnection:") or b""
        if head.startswith(b"HTTP/1.0"):
            self._keep_alive = b"keep-alive" in connection
        else:
            self._keep_alive = b"close" not in connection
        length = _header(lower, b"\r\ncontent-length:")
        if self._head_request or status in (204, 304) or status < 200:
            self._state = _DONE
        elif b"chunked" in (_header(lower, b"\r\ntransfer-encoding:") or b""):
            self._state, self._left = _CHUNK, 0
        elif length is not None:
            self._left = int(length)
            self._state = _LENGTH if self._left > 0 else _DONE
        else:
            self._state, self._keep_alive = _CLOSE, False

    def _feed_chunked(self, buf: bytes) -> bool:
        """Skip chunk data; True after the last chunk and trailers."""
        while True:
            if self._left:
                take = min(self._left, len(buf))
                self._left -= take
                buf = buf[take:]
                if self._left:
                    return False
            if self._state == _TRAILER:
                if buf.startswith(b"\r\n") or b"\r\n\r\n" in buf:
                    return True
                self._buf = buf
                return False
            eol = buf.find(b"\r\n")
            if eol < 0:
                self._buf = buf
                return False
            size = int(buf[:eol].split(b";", 1)[0], 16)
            buf = buf[eol + 2 :]
            if size == 0:
                self._state = _TRAILER
            else:
                self._left = size + 2

    def _finish(self) -> None:
        """Resolve the pending future with the status (and note the latency)."""
        self.latency_us = (perf_counter_ns() - self._sent_ns) // 1000
        fut, self._fut = self._fut, None
        if self._timer is not None:
            self._timer.cancel()
        self._state = _HEAD
        self.reusable = self._keep_alive and not self.closed
        if fut is not None and not fut.done():
            fut.set_result(self._status)

    def _fail(self, exc: BaseException) -> None:
        """Fail the pending future (if any)."""
        fut, self._fut = self._fut, None
        if self._timer is not None:
            self._timer.cancel()
        self.reusable = False
        if fut is not None and not fut.done():
            fut.set_exception(exc)

    def _on_timeout(self, timeout: float) -> None:
        """The response did not complete in time."""
        self._fail(TimeoutError(f"no complete response within {timeout:g}s"))
        self.abort()

    def abort(self) -> None:
        """Drop the connection immediately."""
        self.closed = True
        self.reusable = False
        if self._timer is not None:
            self._timer.cancel()
        if self.transport is not None:
            self.transport.abort()
