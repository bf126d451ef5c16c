"""A per-address limit on how often something may be done, counted in Django's cache.

Written here rather than taken from django-ratelimit: that package's system checks reject the local-memory
cache that development and tests use and warn about Django's own Redis backend, which would break
``check --deploy``; what we need is a fixed-window counter, a dozen lines on top of ``cache.incr``.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

IPV6_PREFIX = 64  # one IPv6 subscriber usually holds a whole /64, so count per network, not per address


def client_network(request: HttpRequest) -> str:
    """The visitor's address (IPv6 reduced to its /64); the proxy's header when one is configured."""
    header = settings.NEWSROOM_CLIENT_IP_HEADER
    raw = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    candidate = raw.split(",")[0].strip()
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def hit(request: HttpRequest, scope: str, limit: int, window: int) -> Verdict:
    """Count one attempt for this address in the current window and say whether it is within the limit."""
    now = int(time.time())
    window_start = now - now % window
    key = f"throttle:{scope}:{client_network(request)}:{window_start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=window_start + window - now)


def client_address_or_none(request: HttpRequest) -> str | None:
    """The same address for django-axes, which stores it in an IP-address column: None when there is none."""
    network = client_network(request)
    return None if network == "unknown" else network
