"""Where webhook deliveries may go (OWASP API7), without a network: the address policy over
every special-purpose range and every spelling of a literal host."""
import socket

import pytest

from gateway.webhooks import Policy


def resolver(table):
    """A resolver answering from `table` (name -> addresses), as getaddrinfo would."""
    def resolve(host, port, type=0):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in table[host]]
    return resolve


REFUSED_ADDRESSES = [
    "0.0.0.0", "0.1.2.3", "10.1.2.3", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.0.9",
    "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.10", "192.88.99.1",
    "192.168.1.1", "198.18.0.1", "198.19.255.1", "198.51.100.7", "203.0.113.9", "224.0.0.1",
    "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::", "::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::7f00:1",
    "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::808:808", "100::1",
    "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "2002:7f00:1::1", "2002:a9fe:a9fe::1",
    "2002:a00:1::", "3fff::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "ff0e::1", "4000::1",
]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_every_special_purpose_address_is_refused_as_a_literal_and_as_a_name(address):
    policy = Policy(resolve=resolver({"hook.example.com": [address]}))
    host = f"[{address}]" if ":" in address else address
    assert policy.problem_with(f"https://{host}/x") == "must resolve to public internet addresses only"
    assert policy.problem_with("https://hook.example.com/x") == "must resolve to public internet addresses only"


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                     "64:ff9b::808:808", "2002:808:808::1"])
def test_public_addresses_and_the_forms_that_carry_one_are_allowed(address):
    policy = Policy(resolve=resolver({"hook.example.com": [address]}))
    target = policy.target("https://hook.example.com/x")
    assert [str(a) for a in target.addresses] == [str(__import__("ipaddress").ip_address(address))]


@pytest.mark.parametrize("url", [
    "https://2130706433/x",          # decimal 127.0.0.1
    "https://0177.0.0.1/x",          # octal
    "https://0x7f.1/x",              # hex, short
    "https://0x7f000001/x",
    "https://127.1/x",               # short form
    "https://017700000001/x",
    "https://8.8.8.010/x",           # octal in the last part: not 8.8.8.10
    "https://[fe80::1%25eth0]/x",    # zone id
    "https://[::1%25lo]/x",
])
def test_non_standard_spellings_of_literal_hosts_are_refused_before_any_lookup(url):
    def never(*args, **kwargs):
        raise AssertionError("a literal host must not be looked up")
    problem = Policy(allow_loopback=True, resolve=never).problem_with(url)
    assert problem and problem.startswith("must not name its host as")


@pytest.mark.parametrize("url", ["https://127.0.0.1./x", "https://[::1]/x", "https://[::ffff:7f00:1]/x",
                                 "https://localhost./x", "https://LOCALHOST/x"])
def test_trailing_dots_brackets_and_case_do_not_hide_loopback(url):
    policy = Policy(resolve=resolver({"localhost": ["127.0.0.1"], "LOCALHOST": ["127.0.0.1"]}))
    assert policy.problem_with(url) == "must resolve to public internet addresses only"


def test_one_private_address_among_public_ones_refuses_the_name():
    policy = Policy(resolve=resolver({"hook.example.com": ["8.8.8.8", "10.0.0.5"]}))
    assert policy.problem_with("https://hook.example.com/x") is not None


def test_the_loopback_allowance_admits_loopback_only():
    policy = Policy(allow_http=True, allow_loopback=True, resolve=resolver({"rebind.test": ["127.0.0.1"]}))
    assert policy.problem_with("http://127.0.0.1:8080/x") is None
    assert policy.problem_with("http://rebind.test:8080/x") is None
    for url in ("http://10.0.0.1/x", "http://169.254.169.254/x", "http://[::ffff:10.0.0.1]/x",
                "http://[64:ff9b::a9fe:a9fe]/x"):
        assert policy.problem_with(url) is not None, url


def test_names_that_do_not_resolve_bad_ports_and_broken_urls_are_refused():
    policy = Policy(resolve=resolver({}))
    assert policy.problem_with("https://nowhere.example/x") == "the host 'nowhere.example' does not resolve"
    assert policy.problem_with("https://8.8.8.8:99999/x") == "must have a valid port"
    assert policy.problem_with("https://[::1/x") == "must be a valid URL"
    for host in ("\x00", "a\x00b", "\udcff"):  # refused by the real resolver before any lookup
        assert Policy().problem_with(f"https://{host}/x") == f"the host {host!r} does not resolve"
