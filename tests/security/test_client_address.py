"""The HTTP routes (API, bank callbacks) count the same address as the event socket:
the peer, or behind REFLEX_TRUSTED_PROXY_HOPS proxies the one the nearest proxy appended."""

from __future__ import annotations

import pytest
from reflex.config import get_config
from starlette.requests import Request

from iztim_app.client_address import client_address


def _request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "headers": headers, "client": (peer, 50000)})


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch):
    def _set(n: int) -> None:
        monkeypatch.setattr(get_config(), "trusted_proxy_hops", n)

    return _set


def test_without_trusted_proxies_the_peer_counts_whatever_the_header_says(hops):
    hops(0)
    assert client_address(_request("203.0.113.7", "10.1.1.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_appended_counts_not_the_clients_part(hops):
    hops(1)
    # the client sent "10.1.1.1, 10.2.2.2"; nginx appended the real peer 198.51.100.4
    spoofed = _request("127.0.0.1", "10.1.1.1, 10.2.2.2", "198.51.100.4")
    assert client_address(spoofed) == "198.51.100.4"
    assert client_address(_request("127.0.0.1", "198.51.100.4")) == "198.51.100.4"


def test_two_proxies_and_a_header_too_short_for_them(hops):
    hops(2)
    assert client_address(_request("127.0.0.1", "10.1.1.1, 198.51.100.4, 10.0.0.2")) == (
        "198.51.100.4"
    )
    # fewer entries than trusted hops: the header was not written by our proxies
    assert client_address(_request("127.0.0.1", "10.1.1.1")) == "127.0.0.1"
