"""Which IP addresses a webhook delivery may connect to: public unicast only. Every IANA
special-purpose range (IPv4 and IPv6 registries) is refused, and the IPv6 forms that carry an
IPv4 address (mapped, NAT64, 6to4) are judged by the address they carry, so 64:ff9b::a9fe:a9fe
is the metadata service 169.254.169.254, not a global address. `ipaddress.is_global` alone is
not enough: it calls NAT64 global and varies between Python versions."""
import ipaddress
import socket

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4_SPECIAL = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"))  # 240/4 holds 255.255.255.255
_V6_UNICAST = ipaddress.IPv6Network("2000::/3")  # everything outside it is special or unassigned
_V6_SPECIAL = tuple(ipaddress.IPv6Network(n) for n in (
    "2001::/23",       # IETF protocol assignments, Teredo 2001::/32 among them
    "2001:db8::/32", "3fff::/20",  # documentation
    "2002::/16",       # 6to4: judged by its IPv4 address before this list is reached
))
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # 64:ff9b:1::/48 (local NAT64) is outside 2000::/3


def is_public(address: Address) -> bool:
    """True only for an address a delivery may reach from the gateway."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        embedded = _embedded_v4(address)
        if embedded is not None:
            return is_public(embedded)
        return address in _V6_UNICAST and not any(address in net for net in _V6_SPECIAL)
    return address.is_global and not any(address in net for net in _V4_SPECIAL)


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def literal(host: str) -> Address | None:
    """The address `host` names if it is an IP literal in its canonical spelling (dotted quad
    or IPv6, brackets already removed by urlsplit), None for a DNS name. ValueError for the
    other spellings a resolver would still read as an address (2130706433, 0177.0.0.1, 0x7f.1,
    127.1) and for IPv6 zone ids: a URL must say plainly where it goes."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
            raise ValueError("an IPv6 zone id")
        return address
    if "%" in host:
        raise ValueError("an IPv6 zone id")
    try:
        socket.inet_aton(host)  # accepts the decimal, octal, hex and short forms
    except (OSError, ValueError):  # not an address (a NUL or a surrogate: the lookup refuses it)
        return None
    raise ValueError("an IPv4 address in a non-standard spelling")
