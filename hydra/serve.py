"""``python -m hydra.serve [daphne options] hydra.asgi:application``: daphne, with the
access log's query credentials redacted (``core.redact``). Procfiles start the web process
with this; every daphne option works unchanged."""

from __future__ import annotations

from daphne.cli import CommandLineInterface
from daphne.server import Server

from core.redact import RedactingAccessLog


class RedactingServer(Server):
    def __init__(self, *args, action_logger=None, **kwargs) -> None:
        if action_logger is not None:
            action_logger = RedactingAccessLog(action_logger.stream)
        super().__init__(*args, action_logger=action_logger, **kwargs)


class RedactingCommandLine(CommandLineInterface):
    server_class = RedactingServer


if __name__ == "__main__":
    RedactingCommandLine.entrypoint()
