"""Control characters in user text (pure: no Django, so engine packages may use it too).

NUL cannot be stored in PostgreSQL text, and CR/LF in a header or a log line splits it: every
name, label, host, header and URL a user sends is checked here and refused with 400 naming
the field."""

from __future__ import annotations

import re

# C0 controls (tab, CR and LF included), DEL and the C1 controls
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_char(text: str) -> str | None:
    """The first control character of ``text`` as an escape (``'\\x00'``), or None."""
    found = CONTROL_RE.search(text)
    return None if found is None else repr(found.group())[1:-1]


def control_message(field: str, text: str) -> str | None:
    """``"<field> contains the control character \\x00"``, or None when ``text`` is clean."""
    char = control_char(text)
    return None if char is None else f"{field} contains the control character {char}"
