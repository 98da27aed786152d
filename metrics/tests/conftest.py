from __future__ import annotations

import time

import pytest

from metrics.models import Point, Series


@pytest.fixture
def now() -> int:
    return int(time.time())


def point_count() -> int:
    return Point.objects.count()


def stored(name: str, host: str = "") -> list[tuple[int, float]]:
    series = Series.objects.get(name=name, host=host)
    return list(Point.objects.filter(series=series).order_by("ts").values_list("ts", "value"))
