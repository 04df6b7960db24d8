"""Where webhook deliveries may go (server-side request forgery, OWASP API7): a subscription
URL must be https, carry no credentials, name its host plainly (a DNS name or a canonical IP
literal), and every address the host resolves to must be public (gateway.webhooks.addresses).
It is checked at subscription and again at each delivery, and a delivery connects to the
address that was checked (gateway.webhooks.pinning), never resolving the name a second time,
so a name that rebinds between check and connect cannot reach a private network.
WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_LOOPBACK relax this for local development and tests
(loopback only), never for private networks, and never the pinning."""
import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from gateway.webhooks.addresses import Address, is_public, literal
from shared.errors import InvalidInput

NOT_PUBLIC = "must resolve to public internet addresses only"


@dataclass(frozen=True)
class Target:
    """A checked URL: its host as written (for Host, SNI and the certificate) and the
    addresses it resolved to, every one of them allowed."""
    url: str
    host: str
    port: int
    addresses: tuple[Address, ...]


class Refused(Exception):
    """The URL may not be delivered to; str() is the reason (for the subscriber at creation)."""


class Policy:
    def __init__(self, *, allow_http=False, allow_loopback=False, resolve: Callable[..., list] | None = None):
        self.allow_http, self.allow_loopback = allow_http, allow_loopback
        self.resolve = resolve

    def check_url(self, url: str) -> None:
        """InvalidInput unless `url` is one deliveries may go to."""
        problem = self.problem_with(url)
        if problem:
            raise InvalidInput({"url": [problem]})

    def problem_with(self, url: str) -> str | None:
        try:
            self.target(url)
        except Refused as refused:
            return str(refused)
        return None

    def target(self, url: str) -> Target:
        """Resolve `url`'s host once and check every address; Refused if any is not allowed."""
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket
            raise Refused("must be a valid URL") from None
        if parts.scheme not in (("https", "http") if self.allow_http else ("https",)):
            raise Refused("must be an https URL")
        if parts.username or parts.password:
            raise Refused("must not contain credentials")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise Refused("must have a valid port") from None
        host = (parts.hostname or "").removesuffix(".")
        if not host:
            raise Refused("must name a host")
        try:
            address = literal(host)
        except ValueError as exc:
            raise Refused(f"must not name its host as {exc}") from None
        addresses = (address,) if address is not None else self._lookup(host, port)
        if not addresses or not all(self._allowed(a) for a in addresses):
            raise Refused(NOT_PUBLIC)
        return Target(url=url, host=host, port=port, addresses=addresses)

    def _lookup(self, host: str, port: int) -> tuple[Address, ...]:
        try:
            infos = (self.resolve or socket.getaddrinfo)(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError, ValueError):
            raise Refused(f"the host {host!r} does not resolve") from None
        found: dict[Address, None] = {}
        for info in infos:
            found[ipaddress.ip_address(str(info[4][0]))] = None  # a zone id fails as not public
        # IPv4 first: a delivery connects to the first address only
        return tuple(sorted(found, key=lambda a: a.version))

    def _allowed(self, address: Address) -> bool:
        return is_public(address) or (self.allow_loopback and address.is_loopback and not (
            isinstance(address, ipaddress.IPv6Address) and address.scope_id))
