"""Where a webhook may be sent: a check against server-side request forgery.

An endpoint's URL is https, names a host that resolves only to public addresses (no
loopback, private, link-local, shared, multicast, reserved or cloud-metadata address, nor
one of those inside an IPv6 form), and carries no credentials. The addresses are resolved
and checked for each delivery run and the connection goes to the checked address (with the
URL's host name for TLS and Host), so a name that resolves elsewhere between the check and
the connection (DNS rebinding) changes nothing. Networks listed in
WEBHOOK_ALLOW_PRIVATE_TARGETS (a receiver inside the bank's own network, the tests' own) are
let through, over plain http too.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Not public, though some Python releases' ipaddress says otherwise (fixed in later 3.11s).
_NEVER = [ipaddress.ip_network(network) for network in ("fec0::/10", "192.0.0.0/24", "64:ff9b:1::/48")]


class TargetRefused(ValueError):
    """The URL may not be sent to; the message says why, for staff."""


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``address`` and ``port``, ask for ``path`` of ``host``."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def _allowed(ip) -> bool:
    return any(ip in network for network in settings.WEBHOOK_ALLOW_PRIVATE_TARGETS)


def _embedded(ip) -> list:
    """The IPv4 addresses an IPv6 address reaches through (mapped, NAT64, 6to4, Teredo)."""
    if ip.version != 6:
        return []
    inner = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    if ip in _NAT64:
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in inner if address is not None]


def address_refusal(address: str) -> str | None:
    """Why ``address`` may not be sent to, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _allowed(ip):
        return None
    for candidate in [ip, *_embedded(ip)]:
        never = any(candidate.version == network.version and candidate in network for network in _NEVER)
        if never or not candidate.is_global or candidate.is_multicast or candidate.is_reserved:
            return f"{address} is not a public address."
    return None


def _addresses(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"{host} does not resolve ({exc}).") from None
    return list(dict.fromkeys(info[4][0] for info in found))


def target_resolve(url: str) -> Target:
    """The checked target of ``url``, its first address pinned; raises TargetRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"Not a URL: {exc}.") from None
    if parts.scheme not in {"https", "http"}:
        raise TargetRefused("A webhook URL is https.")
    if not parts.hostname:
        raise TargetRefused("A webhook URL names a host.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("A webhook URL carries no user name or password.")
    try:  # an international name as DNS, TLS and Host take it
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise TargetRefused(f"{parts.hostname} is not a host name.") from None
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _addresses(host, port)
    refusals = [refusal for refusal in map(address_refusal, addresses) if refusal]
    if refusals:
        raise TargetRefused(f"{host}: {refusals[0]}")
    if not addresses:
        raise TargetRefused(f"{host} does not resolve.")
    if parts.scheme == "http" and not all(
        _allowed(ipaddress.ip_address(a.split("%", 1)[0])) for a in addresses
    ):
        raise TargetRefused("A webhook URL is https.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
