"""nameko's RPC publishing on producers kept for the process. nameko publishes every RPC
request and reply through `get_producer`, which builds a kombu `Connection` per message, hashes
it to find its pool and acquires and releases a producer from it: a fixed cost on every write
(bench: fourth round). `KeptPublisher` is nameko's Publisher (same options, confirms,
`mandatory` and UndeliverableMessage) publishing on a `ProducerShelf` instead (replies:
`KeptResponder`, shared.runtime.consuming; requests: `KeptServiceProxy`, shared.runtime.rpc): producers on
connections of their own, made once and lent to one greenthread at a time (a channel waiting
for its publish confirm cannot be shared): as many as are publishing at once, KEEP of them kept.

A broken connection heals as in nameko: kombu's `ensure` (retry=True, the retry policy)
reconnects the producer's connection; a publish that still fails closes it without a word to
the broker (`collect`: the peer may be gone) and the next publish makes a fresh one."""
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu import Connection, Producer
from kombu.exceptions import ChannelError
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS
from nameko.rpc import MethodProxy, Responder, ServiceProxy

KEEP = 8   # idle producers (connections) kept per shelf; a burst's extra ones are closed after it
_OPTIONS = ("delivery_mode", "mandatory", "priority", "expiration", "serializer", "compression", "retry",
            "retry_policy")


class ProducerShelf:
    def __init__(self, amqp_uri: str, confirms: bool, ssl: Any = None, login_method: Any = None) -> None:
        self.amqp_uri, self.confirms, self.ssl, self.login_method = amqp_uri, confirms, ssl, login_method
        self.free: list[Producer] = []  # greenthreads switch only on I/O: pop and append are safe

    @contextmanager
    def lend(self) -> Iterator[Producer]:
        producer = self.free.pop() if self.free else self._make()
        try:
            yield producer
        except UndeliverableMessage:  # the broker's answer about a route: the channel is fine
            self.free.append(producer)
            raise
        except BaseException:
            producer.connection.collect()
            raise
        if len(self.free) < KEEP:
            self.free.append(producer)
        else:
            producer.connection.release()

    def _make(self) -> Producer:
        options = dict(DEFAULT_TRANSPORT_OPTIONS, confirm_publish=self.confirms)
        conn = Connection(self.amqp_uri, transport_options=options, ssl=self.ssl,  # type: ignore[no-untyped-call]
                          login_method=self.login_method)
        return Producer(conn)  # type: ignore[no-untyped-call]  # connects on its first publish


_shelves: dict[tuple[str, bool, Any, Any], ProducerShelf] = {}
os.register_at_fork(after_in_child=_shelves.clear)   # a child never shares its parent's sockets


def shelf(amqp_uri: str, confirms: bool, ssl: Any = None, login_method: Any = None) -> ProducerShelf:
    key = (amqp_uri, confirms, repr(ssl), login_method)
    found = _shelves.get(key)
    if found is None:
        found = _shelves[key] = ProducerShelf(amqp_uri, confirms, ssl, login_method)
    return found


class KeptPublisher(Publisher):
    def publish(self, payload: Any, **kwargs: Any) -> None:
        """nameko's `Publisher.publish`, on a kept producer."""
        publish_kwargs = self.publish_kwargs.copy()
        headers = publish_kwargs.pop("headers", {}).copy()
        headers.update(kwargs.pop("headers", {}))
        headers.update(kwargs.pop("extra_headers", {}))
        confirms = kwargs.pop("use_confirms", self.use_confirms)
        kwargs.pop("transport_options", None)
        options = {name: kwargs.pop(name, getattr(self, name)) for name in _OPTIONS}
        declare = [*self.declare, *kwargs.pop("declare", ())]
        publish_kwargs.update(kwargs)
        with shelf(self.amqp_uri, confirms, self.ssl, self.login_method).lend() as producer:
            try:
                producer.publish(payload, headers=headers, declare=declare, **options,  # type: ignore[no-untyped-call]
                                 **publish_kwargs)
            except ChannelError as exc:
                if "NO_ROUTE" in str(exc):
                    raise UndeliverableMessage() from None
                raise


class KeptResponder(Responder):
    publisher_cls = KeptPublisher


class KeptMethodProxy(MethodProxy):
    publisher_cls = KeptPublisher


class KeptServiceProxy(ServiceProxy):
    def __getattr__(self, name: str) -> KeptMethodProxy:
        return KeptMethodProxy(self.worker_ctx, self.service_name, name, self.reply_listener, **self.options)
