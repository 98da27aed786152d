"""One target's scrapes -> what to write: samples, synthetic series and stale marks
(pure: no Django).

Staleness like Prometheus: a series in the previous scrape but not in this one gets a
stale mark at this scrape's time; a failed scrape stale-marks every series of the previous
one (``up`` is 0, the other synthetic series still written); a target removed or disabled
stale-marks all its series, the synthetic ones too. Series with their own timestamps are
never stale-marked (Prometheus doesn't either)."""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.ingest import SeriesMeta
from prom.labels import LabelError
from prom.scraper.assemble import Assembler, KeyInfo, TargetInfo
from prom.scraper.parse import Parsed, TextParser

MS_US = 1000


@dataclass
class Result:
    """What one scrape (or a target's end) writes, and the state the Targets page shows."""

    target_id: int
    started_ms: int
    duration_s: float = 0.0
    error: str = ""
    samples: int = 0  # scraped
    kept: int = 0  # after metric relabeling
    keys: list[KeyInfo] = field(default_factory=list)
    ts_ms: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    stale: list[KeyInfo] = field(default_factory=list)
    meta: dict[str, SeriesMeta] = field(default_factory=dict)
    gone: bool = False  # the target was removed: no state to record

    @property
    def up(self) -> bool:
        return not self.error


class TargetState:
    """A target's assembler and the series its last scrape wrote."""

    def __init__(self, target: TargetInfo) -> None:
        self.target = target
        self.assembler = Assembler(target)
        self.parser = TextParser()
        self.previous: set[KeyInfo] = set()

    def retarget(self, target: TargetInfo) -> None:
        """The target was edited: new labels make new keys; the old ones go stale at the
        next scrape (they are no longer in it)."""
        if target != self.target:
            self.target = target
            self.assembler = Assembler(target)

    def scraped(self, parsed: Parsed, started_ms: int, duration_s: float) -> Result:
        try:
            keys = self.assembler.keys(parsed)
        except LabelError as exc:
            return self.failed(str(exc), started_ms, duration_s)
        honor = self.target.honor_timestamps
        kept = [(i, k) for i, k in enumerate(keys) if k is not None]  # not dropped by relabeling
        stamps = [parsed.stamps_ms[i] for i, _ in kept]
        current = {k for (_, k), s in zip(kept, stamps, strict=True) if s is None or not honor}
        added = len(current - self.previous)
        result = Result(self.target.id, started_ms, duration_s, samples=len(parsed))
        result.kept = len(kept)
        result.keys = [k for _, k in kept]
        result.ts_ms = [s if (s is not None and honor) else started_ms for s in stamps]
        result.values = [parsed.values[i] for i, _ in kept]
        result.stale = list(self.previous - current)
        result.meta = parsed.meta
        self.previous = current
        self._report(result, 1.0, added)
        return result

    def failed(self, error: str, started_ms: int, duration_s: float) -> Result:
        result = Result(self.target.id, started_ms, duration_s, error=error[:1000] or "failed")
        result.stale = list(self.previous)
        self.previous = set()
        self._report(result, 0.0, 0)
        return result

    def ended(self, now_ms: int) -> Result:
        """The target is gone: every series it wrote goes stale, ``up`` and the rest too."""
        result = Result(self.target.id, now_ms, gone=True)
        result.stale = [*self.previous, *self.assembler.synthetic()]
        self.previous = set()
        return result

    def _report(self, result: Result, up: float, added: int) -> None:
        values = (up, result.duration_s, result.samples, result.kept, added)
        result.keys = [*result.keys, *self.assembler.synthetic()]
        result.ts_ms = [*result.ts_ms, *[result.started_ms] * len(values)]
        result.values = [*result.values, *map(float, values)]
