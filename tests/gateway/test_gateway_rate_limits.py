"""Rate limits behind proxies and across replicas (OWASP API4): the client address from
X-Forwarded-For of trusted proxies only, and token buckets in Redis shared by gateway
processes. Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/0: .ci/run starts one)."""
import os
import socket
import uuid

import pytest
import requests

from gateway.client_address import TrustedProxies, parse_networks
from gateway.ratelimit_redis import RedisRateLimiter
from scripts.run_platform import platform_env, start_service, stop
from tests.gateway.conftest import ADMIN_KEY
from tests.helpers import free_port, wait_until


@pytest.fixture
def redis_url():
    import redis
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {url} ({exc}); set REDIS_URL or run .ci/run, which starts one")
    return url


@pytest.fixture
def redis_prefix(redis_url):
    """A key prefix of this test's own, its keys deleted afterwards (the Redis is shared)."""
    import redis
    prefix = f"test-ratelimit-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


# -- the client address ---------------------------------------------------------------------

PROXIES = TrustedProxies(parse_networks("10.0.0.0/8, 127.0.0.1 fd00::/8"))


@pytest.mark.parametrize("peer, headers, client", [
    ("127.0.0.1", ["203.0.113.5"], "203.0.113.5"),                  # one trusted proxy
    ("10.1.1.1", ["198.51.100.1, 203.0.113.5, 10.2.2.2"], "203.0.113.5"),  # right-most untrusted
    ("10.1.1.1", ["198.51.100.1", "203.0.113.5"], "203.0.113.5"),   # several headers: one list
    ("10.1.1.1", ["10.3.3.3, 10.2.2.2"], "10.3.3.3"),               # only proxies: the farthest
    ("192.0.2.7", ["203.0.113.5"], "192.0.2.7"),                    # an untrusted peer's header is ignored
    ("10.1.1.1", [], "10.1.1.1"),                                   # no header
    ("10.1.1.1", ["203.0.113.5, not-an-ip"], "10.1.1.1"),           # malformed: the peer
    ("10.1.1.1", [""], "10.1.1.1"),
    ("10.1.1.1", ["203.0.113.5:4711"], "10.1.1.1"),
    ("::ffff:10.1.1.1", ["2001:db8::5"], "2001:db8::5"),
    ("fd00::1", ["2001:DB8::0:5"], "2001:db8::5"),                  # normalised
])
def test_the_client_is_the_right_most_address_not_of_a_trusted_proxy(peer, headers, client):
    assert PROXIES.client(peer, headers) == client


def test_without_trusted_proxies_the_header_is_never_believed():
    assert TrustedProxies(parse_networks("")).client("127.0.0.1", ["203.0.113.5"]) == "127.0.0.1"


def test_a_misread_trusted_proxies_setting_stops_the_gateway():
    with pytest.raises(ValueError, match="'10.0.0.0/33'"):
        parse_networks("10.0.0.0/8,10.0.0.0/33")


def test_a_trusted_proxy_forwards_the_client_address_and_others_cannot(start_gateway):
    def bad_key(client, forwarded_for):
        return client.get("/v1/keys", headers={"Authorization": "Bearer wrong-key-0123456789abcdef",
                                               "X-Forwarded-For": forwarded_for}).status_code

    # Failed authentications spend the client address's tokens (burst 2).
    behind_proxy, _ = start_gateway(RATE_LIMIT_PER_MINUTE=1, RATE_LIMIT_BURST=2, TRUSTED_PROXIES="127.0.0.0/8")
    assert [bad_key(behind_proxy, "203.0.113.5") for _ in range(3)] == [401, 401, 429]
    assert bad_key(behind_proxy, "203.0.113.6") == 401  # another client behind the same proxy
    audit = behind_proxy.get("/v1/audit?limit=200").json()["items"]
    assert {"203.0.113.5", "203.0.113.6"} <= {e["client"] for e in audit}

    direct, _ = start_gateway(RATE_LIMIT_PER_MINUTE=1, RATE_LIMIT_BURST=2)  # no TRUSTED_PROXIES
    assert [bad_key(direct, f"203.0.113.{n}") for n in range(3)] == [401, 401, 429]


# -- buckets in Redis ---------------------------------------------------------------------------

def test_two_limiters_on_one_redis_share_a_bucket(redis_url, redis_prefix):
    one, two = (RedisRateLimiter(redis_url, 60, 3, prefix=redis_prefix) for _ in range(2))
    assert [one.check("k"), two.check("k"), one.check("k"), two.check("k")] == [0, 0, 0, 1]
    assert one.check("other") == 0
    import redis
    assert 0 < redis.Redis.from_url(redis_url).pttl(redis_prefix + "k") <= 4000  # gone once full again


def test_redis_away_falls_back_to_in_process_buckets_without_an_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{port}/0", 60, 2)
    assert [limiter.check("k") for _ in range(3)] == [0, 0, 1]
    assert limiter.failures == 1  # then the fallback for RETRY_SECONDS, not a timeout per request


def test_a_gateway_whose_redis_is_away_still_answers_and_limits(start_gateway):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    admin, _ = start_gateway(REDIS_URL=f"redis://127.0.0.1:{port}/0", RATE_LIMIT_PER_MINUTE=1, RATE_LIMIT_BURST=2)
    assert [admin.get("/v1/keys").status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def gateway_processes(tmp_path, vhost_factory):
    started, vhosts = [], []

    def start(**env_extra):
        port = free_port()
        vhosts.append(vhost_factory())
        env = platform_env(port, vhosts[-1])
        env.update(PLATFORM_VAR_DIR=str(tmp_path), PLATFORM_ADMIN_KEY=ADMIN_KEY, **env_extra)
        env.pop("GATEWAY_DATABASE_URL", None)  # one SQLite file, migrated by the first to start
        started.append(start_service("gateway", env, tmp_path))
        wait_until(lambda: _port_open(port) or started[-1].poll() is not None, timeout=60,
                   message="the gateway process to listen")
        assert started[-1].poll() is None, (tmp_path / "gateway.log").read_text()[-2000:]
        return f"http://127.0.0.1:{port}"
    yield start
    stop(started)
    for uri in vhosts:
        vhost_factory.delete(uri)


def _port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_keys_limit_holds_across_two_gateway_processes(gateway_processes, redis_url, redis_prefix):
    settings = dict(REDIS_URL=redis_url, RATE_LIMIT_REDIS_PREFIX=redis_prefix, RATE_LIMIT_PER_MINUTE="1",
                    RATE_LIMIT_BURST="4")
    first = gateway_processes(**settings)
    second = gateway_processes(**settings)
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    statuses = [requests.get(f"{base}/v1/keys", headers=headers, timeout=15).status_code
                for base in (first, second) * 3]
    assert statuses == [200, 200, 200, 200, 429, 429]  # refilled at one token a minute: none here
