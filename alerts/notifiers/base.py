"""What every notifier returns, and the text every notifier shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""
    duration_ms: int = 0


def subject(items: list[dict]) -> str:
    first = items[0]
    more = f" (+{len(items) - 1} more)" if len(items) > 1 else ""
    return f"[{first['kind'].upper()}] {first['rule']}: {first['summary']}{_during(first)}{more}"[
        :200
    ]


def line(item: dict) -> str:
    where = f" on {item['host']}" if item.get("host") else ""
    head = f"{item['kind'].upper()} {item['severity']} {item['rule']}{where}"
    return f"{head}: {item['summary']}{_during(item)}"


def _during(item: dict) -> str:
    """ " (during load test #12 checkout)" when a load test was running as it fired."""
    load_test = item.get("load_test")
    return f" ({load_test['text']})" if load_test else ""
