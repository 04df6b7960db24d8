"""Where webhook deliveries may go (server-side request forgery, OWASP API7): a subscription
URL must be https, carry no credentials, and its host must resolve to public addresses only,
checked at subscription and again at each delivery (DNS may change); redirects are not
followed. WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_LOOPBACK relax this for local development
and tests (loopback only), never for private networks."""
import ipaddress
import socket
from urllib.parse import urlsplit

from shared.errors import InvalidInput


class Policy:
    def __init__(self, *, allow_http=False, allow_loopback=False):
        self.allow_http, self.allow_loopback = allow_http, allow_loopback

    def check_url(self, url: str) -> None:
        """InvalidInput unless `url` is one deliveries may go to."""
        problem = self.problem_with(url)
        if problem:
            raise InvalidInput({"url": [problem]})

    def problem_with(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in (("https", "http") if self.allow_http else ("https",)):
            return "must be an https URL"
        if parts.username or parts.password:
            return "must not contain credentials"
        host = parts.hostname
        if not host:
            return "must name a host"
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                       proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, ValueError):
            return f"the host {host!r} does not resolve"
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address.is_loopback and self.allow_loopback:
                continue
            if not address.is_global:
                return "must resolve to public internet addresses only"
        return None
