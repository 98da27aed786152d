"""Serve plotly.js from the installed ``plotly`` package (no CDN, no copy in the repo)."""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
FILES = {"vendor/plotly/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    storage = FileSystemStorage(location=str(PLOTLY_DIR))

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path not in FILES:
            return [] if find_all else None
        found = str(PLOTLY_DIR / FILES[path])
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for name in FILES.values():
            yield name, _PrefixedStorage(PLOTLY_DIR)


class _PrefixedStorage(FileSystemStorage):
    """collectstatic puts the file under ``vendor/plotly/``."""

    def __init__(self, location: Path) -> None:
        super().__init__(location=str(location))
        self.prefix = "vendor/plotly"
