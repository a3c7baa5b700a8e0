"""The client's address for the HTTP routes (API, bank callbacks), read exactly as Reflex
reads it for the event socket: the connection's peer, or behind `REFLEX_TRUSTED_PROXY_HOPS`
reverse proxies the address the nearest trusted proxy appended to X-Forwarded-For. The
client-supplied part of that header is never used, so it cannot dodge the throttles."""

from __future__ import annotations

from reflex.config import get_config
from starlette.requests import Request


def client_address(request: Request) -> str:
    peer = request.client.host if request.client else ""
    hops = get_config().trusted_proxy_hops
    if not hops:
        return peer
    forwarded = [
        ip.strip()
        for line in request.headers.getlist("x-forwarded-for")
        for ip in line.split(",")
        if ip.strip()
    ]
    return forwarded[-hops] if len(forwarded) >= hops else peer
