"""The per-address limit: counted per visitor network in the cache, by fixed windows."""

import time_machine
from django.test import RequestFactory

from newsroom.throttle import client_network, hit


def request_from(address: str, **meta):
    return RequestFactory().post("/submit/", REMOTE_ADDR=address, **meta)


def test_ipv4_address_is_counted_as_is():
    assert client_network(request_from("203.0.113.7")) == "203.0.113.7"


def test_ipv6_addresses_of_one_subscriber_share_a_counter():
    first = client_network(request_from("2001:db8:1:2:aaaa::1"))
    second = client_network(request_from("2001:db8:1:2:bbbb::9"))
    assert first == second == "2001:db8:1:2::"


def test_configured_proxy_header_names_the_visitor(settings):
    settings.NEWSROOM_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1")
    assert client_network(request) == "198.51.100.4"


def test_proxy_header_is_ignored_unless_configured():
    assert client_network(request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")) == "127.0.0.1"


def test_garbage_address_does_not_raise():
    assert client_network(request_from("not-an-address")) == "unknown"


def test_attempts_beyond_the_limit_are_refused_until_the_window_ends():
    request = request_from("203.0.113.7")
    with time_machine.travel(1_700_000_000, tick=False):
        verdicts = [hit(request, "test", limit=2, window=3600) for _ in range(3)]
    assert [verdict.allowed for verdict in verdicts] == [True, True, False]
    assert verdicts[-1].retry_after == 3600 - 1_700_000_000 % 3600
    with time_machine.travel(1_700_000_000 + 3600, tick=False):
        assert hit(request, "test", limit=2, window=3600).allowed


def test_scopes_are_counted_apart():
    request = request_from("203.0.113.7")
    assert hit(request, "one", limit=1, window=60).allowed
    assert hit(request, "two", limit=1, window=60).allowed
