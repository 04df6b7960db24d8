"""Helpers for tests against the real broker and databases."""
import json
import socket
import time
from contextlib import contextmanager

from kombu import Connection
from nameko.rpc import ServiceProxy
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy

from shared.messaging import topology


def wait_until(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Poll `predicate` until it returns a truthy value; fail with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last value: {last!r})")


class _ClusterProxyWithOptions(ClusterProxy):
    """nameko's standalone ClusterProxy, passing publish options (e.g. expiration) on."""

    def __init__(self, worker_ctx, reply_listener, **options):
        super().__init__(worker_ctx, reply_listener)
        self._options = options

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._proxies:
            self._proxies[name] = ServiceProxy(self._worker_ctx, name, self._reply_listener, **self._options)
        return self._proxies[name]


@contextmanager
def rpc_proxy(amqp_uri, timeout=10, **options):
    cluster = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout)
    if options:
        cluster._proxy = _ClusterProxyWithOptions(cluster._worker_ctx, cluster._reply_listener, **options)
    with cluster as proxy:
        yield proxy


def publish_event(amqp_uri, envelope_message: dict, times: int = 1):
    """Publish an envelope (as it travels) to its producer's exchange, `times` times."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for _ in range(times):
            producer.publish(json.dumps(envelope_message), content_type="application/json",
                             exchange=topology.event_exchange(envelope_message["producer"]),
                             routing_key=envelope_message["type"], delivery_mode=2,
                             message_id=envelope_message.get("event_id"))


def queue_depth(amqp_uri, queue_name) -> int:
    with Connection(amqp_uri) as conn:
        _, count, _ = conn.default_channel.queue_declare(queue=queue_name, passive=True)
        return count


def drain_messages(amqp_uri, queue_name, limit=100) -> list:
    """Take (and ack) up to `limit` messages from a queue, as they are (bodies not decoded)."""
    out = []
    with Connection(amqp_uri) as conn:
        channel = conn.default_channel
        for _ in range(limit):
            message = channel.basic_get(queue_name, no_ack=False)
            if message is None:
                break
            out.append(message)
            channel.basic_ack(message.delivery_tag)
    return out


def drain(amqp_uri, queue_name, limit=100) -> list:
    """Take (and ack) up to `limit` messages from a queue: [(headers, body_dict)]."""
    return [(dict(m.headers or {}), json.loads(m.body)) for m in drain_messages(amqp_uri, queue_name, limit)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_error(url: str, sql: str = "SELECT 1") -> BaseException:
    """The error a real driver raises running `sql` on `url` (a database away, a bad statement)."""
    import sqlalchemy as sa

    from shared.db import create_engine
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(sql))
    except Exception as exc:  # the error is what the caller wants
        return exc
    finally:
        engine.dispose()
    raise AssertionError(f"{sql} on {url} did not fail")


def programme_created(n):
    """A delivered programme.created event for programme `p-<n>` (feed tests)."""
    from shared.events import load_envelope, make_envelope
    from shared.events.contracts.programmes import EXAMPLES
    return load_envelope(make_envelope("programme.created", {**EXAMPLES["programme.created"],
                                                             "programme_id": f"p-{n}"},
                                       producer="programmes").to_message())
