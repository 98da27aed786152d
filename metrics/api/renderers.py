"""JSON rendering with orjson (several times faster than ``json`` for 1,000-row pages)."""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer


class OrjsonRenderer(JSONRenderer):
    """DRF's JSON renderer, encoded by orjson; ``orjson.Fragment`` values pass through."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
