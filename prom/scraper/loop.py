"""The scraper: one asyncio loop, one task per target, an aiohttp session shared by all.

- **Staggering** (like Prometheus): a target is scraped at the instants ``t`` where
  ``t mod interval == hash(job, url) mod interval``, so hundreds of targets with the same
  interval spread over it instead of all firing at once, and the same target keeps its
  phase across restarts and processes.
- **Sharding**: ``--shard i/n`` scrapes the targets with ``hash(job, url) mod n == i``
  (FNV-1a 64 of ``job`` ``\\n`` ``url``: stable across processes and machines), so n
  scraper processes split the targets with no coordination; each reloads the table every
  ``reload_s`` and picks up additions, edits and removals.
- **Writes**: results queue up and a flusher writes them every ``flush_s`` (sooner past
  ``flush_samples``) in one batch, on one database thread (``writer.write_results``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import aiohttp
from fnv_c import fnv1a_64

from prom.scraper.assemble import TargetInfo
from prom.scraper.client import ScrapeError, fetch
from prom.scraper.parse import ParseError
from prom.scraper.state import Result, TargetState

logger = logging.getLogger(__name__)
Shard = tuple[int, int]


def stable_hash(job: str, url: str) -> int:
    return fnv1a_64(f"{job}\n{url}".encode())


def in_shard(target: TargetInfo, shard: Shard) -> bool:
    index, count = shard
    return stable_hash(target.job, target.url) % count == index


def next_slot_ms(target: TargetInfo, now_ms: float) -> int:
    """The first scrape instant at or after ``now_ms`` for this target's phase."""
    interval = target.interval_ms
    phase = stable_hash(target.job, target.url) % interval
    slot = int(now_ms - now_ms % interval) + phase
    return slot if slot >= now_ms else slot + interval


def chunks(results: list[Result], samples: int) -> list[list[Result]]:
    """``results`` in order, cut into lists of about ``samples`` samples (stale marks too)."""
    out: list[list[Result]] = [[]]
    size = 0
    for result in results:
        if size >= samples:
            out.append([])
            size = 0
        out[-1].append(result)
        size += len(result.values) + len(result.stale)
    return out


class Scraper:
    """Scrapes the targets ``load(shard)`` returns and hands results to ``write``."""

    def __init__(
        self,
        *,
        load: Callable[[Shard], list[TargetInfo]],
        write: Callable[[list[Result]], int],
        shard: Shard = (0, 1),
        reload_s: float = 30.0,
        flush_s: float = 1.0,
        flush_samples: int = 50_000,
        max_bytes: int = 10 * 1024 * 1024,
    ) -> None:
        self.load, self.write, self.shard = load, write, shard
        self.reload_s, self.flush_s, self.flush_samples = reload_s, flush_s, flush_samples
        self.max_bytes = max_bytes
        self.states: dict[int, TargetState] = {}
        self.tasks: dict[int, asyncio.Task] = {}
        self.pending: list[Result] = []
        self.pending_samples = 0
        self.lags_ms: collections.deque[float] = collections.deque(maxlen=100_000)
        self.scrapes = 0
        self.written = 0
        self._db = ThreadPoolExecutor(1, thread_name_prefix="hydra-scrape-db")
        self._full = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None

    async def run(self, stop: threading.Event) -> None:
        """Scrape until ``stop`` is set; results still queued are written before returning."""
        self._full = asyncio.Event()
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
        async with aiohttp.ClientSession(connector=connector) as session:
            self._session = session
            flusher = asyncio.create_task(self._flush_loop(stop))
            try:
                while not stop.is_set():
                    await self.reload()
                    deadline = time.monotonic() + self.reload_s
                    while not stop.is_set() and time.monotonic() < deadline:
                        await asyncio.sleep(0.2)
            finally:
                for task in self.tasks.values():
                    task.cancel()
                await asyncio.gather(*self.tasks.values(), return_exceptions=True)
                self.tasks.clear()
                await flusher
                await self.flush()
        self._db.shutdown(wait=True)

    async def once(self) -> list[Result]:
        """Load the targets, scrape each one once (concurrently), write; the results."""
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            self._session = session
            await self.reload(start=False)
            states = list(self.states.values())
            results = await asyncio.gather(*(self.scrape_once(s) for s in states))
        for result in results:
            self._queue(result)
        await self.flush()
        return list(results)

    async def reload(self, *, start: bool = True) -> None:
        loop = asyncio.get_running_loop()
        try:
            targets = await loop.run_in_executor(self._db, self.load, self.shard)
        except Exception:
            logger.exception("scrape: loading the targets failed; keeping the current ones")
            return
        wanted = {t.id: t for t in targets}
        now_ms = int(time.time() * 1000)
        for target_id in set(self.states) - set(wanted):
            self._stop_task(target_id)
            self._queue(self.states.pop(target_id).ended(now_ms))
        for target_id, target in wanted.items():
            state = self.states.get(target_id)
            if state is None:
                state = self.states[target_id] = TargetState(target)
            elif state.target == target:
                continue
            else:
                self._stop_task(target_id)
                state.retarget(target)
            if start:
                self.tasks[target_id] = asyncio.create_task(self._target_loop(state))

    def _stop_task(self, target_id: int) -> None:
        task = self.tasks.pop(target_id, None)
        if task is not None:
            task.cancel()

    async def _target_loop(self, state: TargetState) -> None:
        target = state.target
        slot = next_slot_ms(target, time.time() * 1000)
        while True:
            now_ms = time.time() * 1000
            if slot < now_ms - target.interval_ms:  # fell behind: skip the missed slots
                slot = next_slot_ms(target, now_ms)
            await asyncio.sleep(max(0.0, (slot - now_ms) / 1000))
            self._queue(await self.scrape_once(state, slot))
            slot += target.interval_ms

    async def scrape_once(self, state: TargetState, slot_ms: float | None = None) -> Result:
        started = time.time()
        started_ms = int(started * 1000)
        if slot_ms is not None:
            self.lags_ms.append(started_ms - slot_ms)
        clock = time.perf_counter()
        self.scrapes += 1
        assert self._session is not None
        try:
            body, content_type = await fetch(self._session, state.target, self.max_bytes)
            parsed = state.parser.parse(body, content_type)
        except (ScrapeError, ParseError) as exc:
            return state.failed(str(exc), started_ms, time.perf_counter() - clock)
        return state.scraped(parsed, started_ms, time.perf_counter() - clock)

    def _queue(self, result: Result) -> None:
        self.pending.append(result)
        self.pending_samples += len(result.values) + len(result.stale)
        if self.pending_samples >= self.flush_samples:
            self._full.set()

    async def _flush_loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), timeout=self.flush_s)
            self._full.clear()
            await self.flush()

    async def flush(self) -> None:
        if not self.pending:
            return
        results, self.pending, self.pending_samples = self.pending, [], 0
        loop = asyncio.get_running_loop()
        for chunk in chunks(results, self.flush_samples):  # bounded transactions
            self.written += await loop.run_in_executor(self._db, self.write, chunk)
