"""Live sockets follow the login session they were opened with (issue 12, defect 9).

A socket joins its session's channel group; logging out sends that group ``session.ended``
and the consumers close. A socket also re-reads its session on every subscribe, so one whose
session ended another way (expired, flushed, password changed) stops there."""

from __future__ import annotations

import hashlib
import logging
from importlib import import_module
from types import SimpleNamespace

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user

logger = logging.getLogger(__name__)
SESSION_ENDED = "session.ended"  # the consumers' handler: session_ended


def session_group(session_key: str) -> str:
    """The channel group of one session's sockets (hashed: the key itself is a credential)."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def session_user_id(session_key: str | None) -> int | None:
    """The id of the user the session ``session_key`` is logged in as now, or None (ended,
    expired, flushed, or its password changed since)."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    return user.pk if user.is_authenticated else None


def close_session_sockets(sender, request=None, user=None, **kwargs) -> None:
    """``user_logged_out`` receiver: the session's live sockets close (best effort)."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    layer = get_channel_layer()
    if not key or layer is None:
        return
    try:
        async_to_sync(layer.group_send)(session_group(key), {"type": SESSION_ENDED})
    except Exception:  # the channel layer down must not fail the logout
        logger.warning("could not close the live sockets of a logged-out session", exc_info=True)
