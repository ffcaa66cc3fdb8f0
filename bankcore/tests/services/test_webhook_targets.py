"""The webhook targets' check against server-side request forgery (bankcore.webhooks.targets):
only public addresses, every address a name resolves to checked, the checked one pinned for
the connection, https unless the network is listed in WEBHOOK_ALLOW_PRIVATE_TARGETS. Name
resolution is the one thing faked here (these machines resolve no public name)."""

import ipaddress
import socket

import pytest

from bankcore.tests.receiver import Receiver
from bankcore.webhooks.sending import Sender
from bankcore.webhooks.targets import TargetRefused, address_refusal, target_resolve


@pytest.fixture
def dns(monkeypatch):
    """Names resolve to what the test says (a list of addresses, used in turn per lookup)."""
    answers: dict[str, list[list[str]]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        addresses = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[ipaddress.ip_address(a).version], socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # private
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # link-local: the clouds' metadata service
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "::1",
        "fe80::1",
        "fd00::1",  # unique local
        "::ffff:127.0.0.1",  # IPv4-mapped
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "fec0::1",  # site-local (deprecated; some Pythons call it global)
        "192.0.0.8",  # IETF protocol assignments
    ],
)
def test_addresses_that_are_not_public_are_refused(address, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    assert "not a public address" in address_refusal(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1"])
def test_public_addresses_are_let_through(address, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    assert address_refusal(address) is None


def test_a_listed_network_is_let_through_and_over_http_too(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = [ipaddress.ip_network("127.0.0.0/8")]
    assert address_refusal("127.0.0.1") is None
    assert "not a public" in address_refusal("10.0.0.1")
    target = target_resolve("http://127.0.0.1:8080/hooks?x=1")
    assert (target.address, target.port, target.path, target.host_header) == (
        "127.0.0.1",
        8080,
        "/hooks?x=1",
        "127.0.0.1:8080",
    )


def test_a_public_host_must_be_https(dns, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    dns["hooks.example.test"] = [["93.184.215.14"]]
    with pytest.raises(TargetRefused, match="https"):
        target_resolve("http://hooks.example.test/in")
    assert target_resolve("https://hooks.example.test/in").address == "93.184.215.14"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example.test/", "https"),
        ("https:///nohost", "names a host"),
        ("https://user:secret@hooks.example.test/", "user name or password"),
        ("https://hooks.example.test:99999/", "Not a URL"),
        ("https://nowhere.invalid/", "does not resolve"),
    ],
)
def test_urls_that_are_not_plain_https_targets_are_refused(url, reason, dns):
    dns["hooks.example.test"] = [["93.184.215.14"]]
    with pytest.raises(TargetRefused, match=reason):
        target_resolve(url)


def test_a_name_with_any_private_address_among_its_answers_is_refused(dns, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    dns["mixed.example.test"] = [["93.184.215.14", "10.0.0.5"]]
    with pytest.raises(TargetRefused, match=r"10\.0\.0\.5 is not a public address"):
        target_resolve("https://mixed.example.test/")


def test_the_connection_goes_to_the_checked_address_whatever_the_name_resolves_to_next(dns, settings):
    """DNS rebinding: the name answers a permitted address for the check, then another; the
    request still goes to the checked one, with the URL's host name in Host."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = [ipaddress.ip_network("127.0.0.1/32")]
    receiver = Receiver().start()
    try:
        dns["rebind.example.test"] = [["127.0.0.1"], ["169.254.169.254"]]
        target = target_resolve(f"http://rebind.example.test:{receiver.port}/in")
        sender = Sender(target)
        answer = sender.post(body=b"{}", headers={"webhook-id": "msg_1"})
        sender.close()
    finally:
        receiver.stop()
    assert answer.succeeded
    (request,) = receiver.received
    assert request.headers["Host"] == f"rebind.example.test:{receiver.port}"
    assert request.path == "/in"


def test_an_international_name_is_resolved_and_sent_as_dns_spells_it(dns):
    dns["xn--e1afmkfd.xn--p1ai"] = [["93.184.215.14"]]
    target = target_resolve("https://пример.рф/hook")
    assert (target.host, target.host_header, target.address) == ("xn--e1afmkfd.xn--p1ai",) * 2 + (
        "93.184.215.14",
    )
