"""Consuming what cannot be decoded, without losing it silently.

kombu decodes each message before nameko sees it; a body it cannot decode (not JSON
though marked application/json, or a content type outside the accept list: text/plain,
a pickle) goes to the consumer's `on_decode_error`, which by default logs "Can't decode
message body" and acknowledges: the message is gone. `GuardedQueueConsumer` hands such
a message, undecoded, to the entrypoint that consumes its queue when that entrypoint has
a `handle_undecodable(message, exc)`; the entrypoint then owns the acknowledgement.
Nothing here ever unpickles: kombu refuses any content type outside the accept list.

- ReliableEventHandler parks it in `<service>.dead-letters` (reason `undecodable`).
- `rpc` (use it instead of nameko's) answers the caller at once with nameko's
  MalformedRequest, so the caller is not left waiting for its deadline.
- Reply queues (shared.runtime.rpc) keep kombu's behaviour: logged and dropped.

The RPC request queue `rpc-<service>` is a quorum queue (nameko declares a classic one):
replicated over a RabbitMQ cluster's nodes, so a service keeps answering when the node that
held its queue dies (a classic queue is unusable until its node returns: 404 "home node ...
is down"). Per-message TTL, which the deadline's expiry needs, holds for quorum queues
from RabbitMQ 3.10.

A service does not die with the broker connection either: nameko kills the whole container (every worker, the
process) when a worker's result handler raises, and an acknowledgement or an RPC reply sent
as the broker goes away raises. GuardedQueueConsumer's acknowledgements and the RPC
consumer's `handle_result` log that instead: the broker requeues what was not acknowledged,
and the inbox (events) or the request key (commands) makes the second delivery harmless."""
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from amqp.exceptions import ChannelError as AmqpChannelError
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu import Queue
from kombu.exceptions import OperationalError
from kombu.message import Message
from nameko.constants import AMQP_SSL_CONFIG_KEY, DEFAULT_SERIALIZER, LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY
from nameko.exceptions import MalformedRequest
from nameko.messaging import QueueConsumer
from nameko.rpc import Rpc, RpcConsumer, get_rpc_exchange

from shared.db import database_away
from shared.errors import ServiceUnavailable
from shared.runtime.kept_producers import KeptResponder

log = logging.getLogger(__name__)

# What the broker connection going away raises (sockets, kombu, py-amqp).
BROKER_ERRORS = (OSError, OperationalError, AmqpConnectionError, AmqpChannelError)


def settle(action: Callable[[Message], None], message: Message) -> None:
    """`action` (a queue consumer's ack_message or requeue_message) on `message`; with the
    connection gone, logged: the broker requeues the unacknowledged message by itself."""
    try:
        action(message)
    except BROKER_ERRORS as exc:
        log.warning("could not settle a message (%s): the broker connection is gone; it will be "
                    "delivered again", exc)


class GuardedQueueConsumer(QueueConsumer):
    """nameko's QueueConsumer, routing decode failures to the queue's entrypoint, and
    acknowledging (or requeueing) without raising when the broker connection is gone."""

    def ack_message(self, message: Message) -> None:
        settle(super().ack_message, message)

    def requeue_message(self, message: Message) -> None:
        settle(super().requeue_message, message)

    def on_decode_error(self, message: Message, exc: Exception) -> None:
        provider = self._provider_of(message)
        handle = getattr(provider, "handle_undecodable", None)
        if handle is None:
            super().on_decode_error(message, exc)
            return
        self.container.spawn_managed_thread(partial(handle, message, exc),
                                            identifier=f"{type(provider).__name__}.handle_undecodable")

    def _provider_of(self, message: Message) -> Any:
        tag = (message.delivery_info or {}).get("consumer_tag")
        for provider, consumer in self._consumers.items():
            if tag in consumer._active_tags.values():
                return provider
        return None


class GuardedRpcConsumer(RpcConsumer):
    queue_consumer = GuardedQueueConsumer()

    def setup(self) -> None:
        super().setup()
        queue: Queue = self.queue  # type: ignore[has-type]  # nameko's name, exchange and binding; replicated
        self.queue = Queue(queue.name, exchange=queue.exchange, routing_key=queue.routing_key,  # type: ignore[no-untyped-call]
                           durable=True, queue_arguments={"x-queue-type": "quorum"})

    def _responder(self, message: Message, serializer: str) -> KeptResponder:
        config = self.container.config
        return KeptResponder(config["AMQP_URI"], get_rpc_exchange(config), serializer, message,
                             ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))

    def handle_undecodable(self, message: Message, exc: Exception) -> None:
        reply_to = (message.properties or {}).get("reply_to")
        routing_key = (message.delivery_info or {}).get("routing_key")
        log.error("undecodable RPC request %s (%s): %s", routing_key, message.content_type,
                  "answering MalformedRequest" if reply_to else "no reply_to: dropped", exc_info=exc)
        try:
            if reply_to:
                # Answer as JSON whatever the request's content type claimed to be.
                message.properties["content_type"] = "application/json"
                error = MalformedRequest(f"undecodable request body ({message.content_type}): {exc}")
                self._responder(message, "json").send_response(None, (MalformedRequest, error, None))
        except Exception:
            log.exception("could not answer the undecodable RPC request %s", routing_key)
        finally:
            self.queue_consumer.ack_message(message)

    def handle_result(self, message: Message, result: Any, exc_info: Any) -> tuple[Any, Any]:
        """nameko's (reply, then acknowledge), surviving a broker gone meanwhile: the request
        is acknowledged even when the reply could not be sent (the caller has its 503/504 and
        retries with its request key), and neither failure kills the container. A database
        away is answered as ServiceUnavailable (the caller's 503 with Retry-After), not as the
        driver's error (a 500)."""
        if exc_info is not None and database_away(exc_info[1]):
            log.warning("RPC %s: the database is not available: %s",
                        (message.delivery_info or {}).get("routing_key"), exc_info[1])
            error = ServiceUnavailable(f"the {self.container.service_name} service's database is not available")
            exc_info = (ServiceUnavailable, error, None)
        try:  # nameko's handle_result, the reply on a kept producer (shared.runtime.kept_producers)
            serializer = self.container.config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER)
            result, exc_info = self._responder(message, serializer).send_response(result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("could not answer RPC %s: the broker connection is gone (%s)",
                        (message.delivery_info or {}).get("routing_key"), exc)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class GuardedRpc(Rpc):
    rpc_consumer = GuardedRpcConsumer()


rpc = GuardedRpc.decorator
