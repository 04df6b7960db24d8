"""The client's address behind load balancers and reverse proxies (TRUSTED_PROXIES).

X-Forwarded-For is believed only as far as it was written by proxies the operators trust:
from the peer inwards, each hop that is a trusted proxy hands over to the address it names, and
the first hop that is not trusted is the client. A client can prepend anything to the header,
but it cannot make an untrusted hop look trusted, so the address found is one a trusted proxy
saw. Without TRUSTED_PROXIES (the default) the header is ignored and the peer is the client; a
malformed header is ignored too (the peer, the last trusted proxy, is then the client)."""
import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | None) -> tuple[Network, ...]:
    """TRUSTED_PROXIES: addresses or CIDR blocks separated by commas or spaces. ValueError names
    an entry that is neither (a gateway must not start with a misread setting)."""
    networks = []
    for item in (value or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an IP address or CIDR block") from None
    return tuple(networks)


class TrustedProxies:
    def __init__(self, networks: Iterable[Network] = ()):
        self.networks = tuple(networks)

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.networks)

    def client(self, peer: str | None, forwarded_for: Iterable[str]) -> str:
        """The client's address for a request from `peer` carrying these X-Forwarded-For
        headers (each a comma-separated list, the nearest hop last)."""
        peer = peer or "-"
        if not self.networks or not self.trusted(peer):
            return peer
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
        if not hops or not all(_is_address(hop) for hop in hops):
            return peer
        for hop in reversed(hops):
            if not self.trusted(hop):
                return str(ipaddress.ip_address(hop))
        return str(ipaddress.ip_address(hops[0]))  # every hop a proxy of ours: the farthest one


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
