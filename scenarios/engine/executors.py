"""Executors: closed-model virtual users and open-model arrival-rate scheduling.

Both follow a ``Profile``: piecewise-linear ``(t, value)`` points where value is a VU count
or a request rate. The arrival-rate executor starts request number ``n`` when the
integral of the rate since the start reaches ``n`` (absolute times, so scheduling jitter
never accumulates into rate drift); a request that cannot start because ``cap`` requests
are already in flight is counted as dropped.
"""

from __future__ import annotations

import asyncio
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable

from .client import PreparedRequest, classify_exception
from .stats import Recorder

Send = Callable[[PreparedRequest], Awaitable[None]]
_CONTROL_STEP = 0.1
_MAX_SLEEP = 0.25


class Profile:
    """Piecewise-linear load shape with its integral (expected request count)."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        """``points`` sorted by time, starting at t=0."""
        self.t = [float(p[0]) for p in points]
        self.v = [float(p[1]) for p in points]
        self.cum = [0.0]
        for i in range(1, len(points)):
            area = (self.t[i] - self.t[i - 1]) * (self.v[i] + self.v[i - 1]) / 2
            self.cum.append(self.cum[-1] + area)

    def value_at(self, t: float) -> float:
        """Interpolated value at ``t`` (after a zero-length jump, the new value)."""
        i = bisect_right(self.t, t) - 1
        if i < 0:
            return self.v[0]
        if i >= len(self.t) - 1:
            return self.v[-1]
        span = self.t[i + 1] - self.t[i]
        return self.v[i] + (self.v[i + 1] - self.v[i]) * (t - self.t[i]) / span

    def cumulative(self, t: float) -> float:
        """Integral of the value from 0 to ``t``."""
        i = bisect_right(self.t, t) - 1
        if i < 0:
            return 0.0
        if i >= len(self.t) - 1:
            return self.cum[-1] + (t - self.t[-1]) * self.v[-1]
        return self.cum[i] + (t - self.t[i]) * (self.v[i] + self.value_at(t)) / 2

    def time_for_count(self, n: float) -> float:
        """Earliest time at which the integral reaches ``n`` (inf if never)."""
        i = bisect_left(self.cum, n) - 1
        if i >= len(self.t) - 1 or i < 0:
            return self.t[0] if i < 0 else math.inf
        need, v0 = n - self.cum[i], self.v[i]
        slope = (self.v[i + 1] - v0) / (self.t[i + 1] - self.t[i])
        if abs(slope) < 1e-12:
            return self.t[i] + need / v0 if v0 > 0 else math.inf
        disc = max(v0 * v0 + 2 * slope * need, 0.0)
        return self.t[i] + (-v0 + math.sqrt(disc)) / slope


class RequestMix:
    """Weighted choice among prepared requests."""

    def __init__(self, requests: list[PreparedRequest], weights: list[float]) -> None:
        """Precompute cumulative weights."""
        self.requests = requests
        self.cum = [sum(weights[: i + 1]) for i in range(len(weights))]
        self._rand = random.random

    def pick(self) -> PreparedRequest:
        """A request chosen with probability proportional to its weight."""
        if len(self.requests) == 1:
            return self.requests[0]
        return self.requests[bisect_right(self.cum, self._rand() * self.cum[-1])]


ClientSend = Callable[[PreparedRequest], Awaitable[tuple[int, int]]]


def make_sender(client_send: ClientSend, rec: Recorder) -> Send:
    """The hot path: one request, recording its status and latency or its error kind."""

    async def send(req: PreparedRequest) -> None:
        rec.in_flight += 1
        rec.started += 1
        if rec.in_flight > rec.peak_in_flight:
            rec.peak_in_flight = rec.in_flight
        try:
            status, latency_us = await client_send(req)
        except Exception as exc:  # noqa: BLE001 - every failure is a measured outcome
            rec.failure(classify_exception(exc))
            return
        finally:
            rec.in_flight -= 1
        rec.response(latency_us, status)

    return send


class VUExecutor:
    """Closed model: ``round(profile(t))`` virtual users each looping request, think time."""

    def __init__(self, profile: Profile, mix: RequestMix, send: Send, think_time: float) -> None:
        """Keep the plan; no VU runs until ``run``."""
        self.profile, self.mix, self.send, self.think_time = profile, mix, send, think_time
        self.target = 0
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.target_rate: float | None = None

    @property
    def active(self) -> int:
        """VUs currently running (including ones finishing their last request)."""
        return len(self._tasks)

    async def run(self, t0: float, duration: float) -> None:
        """Adjust the VU count every 100 ms until ``duration`` has elapsed since ``t0``."""
        loop = asyncio.get_running_loop()
        while (elapsed := loop.time() - t0) < duration:
            self._set_target(int(round(self.profile.value_at(elapsed))))
            await asyncio.sleep(min(_CONTROL_STEP, duration - elapsed))

    def _set_target(self, n: int) -> None:
        """Spawn VUs up to ``n``; VUs with an index >= n stop after their request."""
        self.target = n
        for idx in range(n):
            if idx not in self._tasks:
                self._tasks[idx] = asyncio.create_task(self._vu(idx))

    async def _vu(self, idx: int) -> None:
        """One virtual user's loop."""
        send, pick, think = self.send, self.mix.pick, self.think_time
        try:
            while idx < self.target:
                await send(pick())
                if think:
                    await asyncio.sleep(think)
        finally:
            self._tasks.pop(idx, None)

    async def stop(self) -> None:
        """Cancel every VU (in-flight requests are abandoned, not counted)."""
        self.target = 0
        await _cancel_all(list(self._tasks.values()))


class ArrivalExecutor:
    """Open model: starts requests on the profile's schedule, up to ``cap`` in flight."""

    def __init__(self, profile: Profile, mix: RequestMix, send: Send, cap: int, rec: Recorder):
        """Keep the plan; nothing starts until ``run``."""
        self.profile, self.mix, self.send, self.cap, self.rec = profile, mix, send, cap, rec
        self._tasks: set[asyncio.Task[None]] = set()
        self.scheduled = 0

    @property
    def active(self) -> None:
        """Arrival-rate runs have no VUs."""
        return None

    async def run(self, t0: float, duration: float) -> None:
        """Start requests at their scheduled absolute times until ``duration``."""
        loop = asyncio.get_running_loop()
        profile = self.profile
        while (elapsed := loop.time() - t0) < duration:
            due = int(profile.cumulative(elapsed) + 1e-9) - self.scheduled
            if due > 0:
                self._launch(due)
            wait = profile.time_for_count(self.scheduled + 1) - elapsed
            await asyncio.sleep(min(max(wait, 0.0), _MAX_SLEEP, duration - elapsed))

    def _launch(self, n: int) -> None:
        """Start ``n`` requests now, dropping those over the in-flight cap."""
        self.scheduled += n
        tasks, pick, send = self._tasks, self.mix.pick, self.send
        room = self.cap - len(tasks)
        if n > room:
            self.rec.dropped += n - max(room, 0)
            n = max(room, 0)
        for _ in range(n):
            task: asyncio.Task = asyncio.ensure_future(send(pick()))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def stop(self) -> None:
        """Cancel in-flight requests (abandoned, not counted)."""
        await _cancel_all(list(self._tasks))


async def _cancel_all(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel tasks and wait for them to finish unwinding."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
