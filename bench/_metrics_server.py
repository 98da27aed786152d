"""Synthetic ``/metrics`` bodies for ``bench/scrape.py``: one aiohttp process serving
``--targets`` endpoints ``/t/<i>`` of ``--series`` series each (families of 10 series,
counters with HELP and TYPE, like a client library's output). Bodies are built once (two
versions with different values, alternating) so the server costs little CPU."""

from __future__ import annotations

import argparse
import os

from aiohttp import web

FAMILY = 10


def body(target: int, series: int, version: int) -> bytes:
    lines = []
    for j in range(0, series, FAMILY):
        name = f"bench_m{j // FAMILY:03d}_total"
        lines.append(f"# HELP {name} Synthetic counter {j // FAMILY}.")
        lines.append(f"# TYPE {name} counter")
        for k in range(min(FAMILY, series - j)):
            value = (target * 7 + j + k) * 3 + version
            lines.append(f'{name}{{k="{k}",path="/api/v{k % 3}"}} {value}')
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--targets", type=int, required=True)
    p.add_argument("--series", type=int, required=True)
    p.add_argument("--cpu", type=int, default=-1, help="pin to this CPU")
    args = p.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    bodies = [[body(t, args.series, v) for v in (0, 1)] for t in range(args.targets)]
    hits = [0] * args.targets

    async def serve(request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        hits[i] += 1
        return web.Response(body=bodies[i][hits[i] % 2], content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/t/{i}", serve)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
