"""Safety: which hosts a scenario may target, and caps on VUs, rate and duration.

``check_target_allowed`` accepts a URL when its host

* is an IP literal inside an IP/CIDR entry, or
* is a hostname matching a hostname entry (``api.internal``) or wildcard
  (``*.example.com`` matches any subdomain, not the apex), or
* is a hostname all of whose resolved addresses are inside IP/CIDR entries.

The default allow-list is loopback only. The Django side passes the
``HYDRA_SCENARIO_ALLOWED_HOSTS`` setting.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .spec import ScenarioSpec

DEFAULT_ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1")
SETTING = "HYDRA_SCENARIO_ALLOWED_HOSTS"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str], list[str]]


class TargetNotAllowed(ValueError):
    """The target host is outside the allow-list."""


class LimitExceeded(ValueError):
    """The scenario exceeds a configured cap (VUs, rate, in-flight or duration)."""


def resolve_host(host: str) -> list[str]:
    """All addresses ``host`` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]).split("%")[0] for info in infos})


def _split_entries(entries: Iterable[str]) -> tuple[list[Network], list[str]]:
    """Separate IP/CIDR entries (as networks) from hostname/wildcard entries."""
    networks: list[Network] = []
    names: list[str] = []
    for entry in entries:
        text = str(entry).strip().lower()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
        except ValueError:
            names.append(text.rstrip("."))
    return networks, names


def _name_matches(host: str, names: list[str]) -> bool:
    """Exact hostname match or ``*.domain`` wildcard match (subdomains only)."""
    return any(n == host or (n.startswith("*.") and host.endswith(n[1:])) for n in names)


def _in_networks(address: str, networks: list[Network]) -> bool:
    """Whether an address lies in one of the networks."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in net for net in networks)


def _refuse(host: str, why: str, entries: list[str]) -> TargetNotAllowed:
    """Build the refusal error naming the host and the setting."""
    allowed = ", ".join(entries) or "(empty)"
    return TargetNotAllowed(
        f"target host {host!r} is not allowed: {why}. Allowed by {SETTING}: {allowed}. "
        f"Add the host (or its IP/CIDR) to {SETTING} to load-test it."
    )


def check_target_allowed(
    url: str, allowed_hosts: Iterable[str] | None = None, resolve: Resolver | None = None
) -> None:
    """Raise ``TargetNotAllowed`` unless ``url``'s host is allowed (see module doc)."""
    entries = [str(e) for e in (allowed_hosts or DEFAULT_ALLOWED_HOSTS)]
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        raise TargetNotAllowed(f"target URL {url!r} has no host")
    networks, names = _split_entries(entries)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if _in_networks(host, networks):
            return
        raise _refuse(host, "the address is outside the allow-list", entries)
    if _name_matches(host, names):
        return
    _check_resolved(host, networks, entries, resolve or resolve_host)


def _check_resolved(host: str, networks: list[Network], entries: list[str], resolve: Resolver):
    """Allow a hostname only when every address it resolves to is allowed."""
    try:
        addresses = resolve(host)
    except OSError as exc:
        raise _refuse(host, f"it does not resolve ({exc})", entries) from None
    if not addresses:
        raise _refuse(host, "it resolves to no address", entries)
    outside = [a for a in addresses if not _in_networks(a, networks)]
    if outside:
        raise _refuse(host, f"it resolves to {', '.join(outside)}, outside the list", entries)


@dataclass(frozen=True)
class Limits:
    """Caps applied before a run (Django settings ``HYDRA_SCENARIO_MAX_*``)."""

    max_vus: int = 1000
    max_rate: float = 20_000.0
    max_duration: float = 4 * 3600.0
    max_inflight: int = 10_000


def check_limits(spec: ScenarioSpec, limits: Limits | None = None) -> None:
    """Raise ``LimitExceeded`` (naming the field and the cap) when the spec is too big."""
    limits = limits or Limits()
    peak = spec.peak()
    if not spec.is_arrival_rate and peak > limits.max_vus:
        _over("vus", f"peak of {peak:g} VUs", limits.max_vus, "HYDRA_SCENARIO_MAX_VUS")
    if spec.is_arrival_rate and peak > limits.max_rate:
        _over("rate", f"peak rate of {peak:g} req/s", limits.max_rate, "HYDRA_SCENARIO_MAX_RATE")
    if spec.is_arrival_rate and spec.inflight_cap() > limits.max_inflight:
        cap = spec.inflight_cap()
        _over("max_inflight", f"{cap}", limits.max_inflight, "HYDRA_SCENARIO_MAX_INFLIGHT")
    if spec.total_duration() > limits.max_duration:
        total = spec.total_duration()
        _over("duration", f"{total:g}s", limits.max_duration, "HYDRA_SCENARIO_MAX_DURATION")


def _over(field: str, what: str, cap: float, setting: str) -> None:
    """Raise the cap error."""
    raise LimitExceeded(f"{field}: {what} exceeds the cap of {cap:g} ({setting})")
