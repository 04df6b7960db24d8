"""RPC with a deadline. nameko's RpcProxy waits for ever; this one gives up after
RPC_DEADLINE_SECONDS and says why: the service is not there (ServiceUnavailable,
HTTP 503) or it did not answer in time (DeadlineExceeded, HTTP 504). The request
message expires with the deadline, so a late-starting service never runs a call
its caller has already given up on.

Replies come back on one reply queue per process (`rpc.reply-<service>-<uuid>`). nameko
declares it durable with a 5-minute x-expires, so the queue of a killed gateway stayed
behind; ours is a classic, non-durable, auto-delete queue (gone when its consumer's
connection closes, a SIGKILL included) that also expires after
RPC_REPLY_QUEUE_EXPIRES_SECONDS unused (60 by default), should a half-open connection
keep the consumer alive. Not exclusive: a quorum queue cannot be, and an exclusive
queue redeclared on a new connection before the broker has dropped the old one fails."""
import logging
from collections.abc import Callable
from typing import Any

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu import Connection, Queue
from kombu.exceptions import OperationalError
from nameko.containers import WorkerContext
from nameko.exceptions import UnknownService
from nameko.rpc import RPC_REPLY_QUEUE_TEMPLATE, ReplyListener, RpcProxy, get_rpc_exchange

from shared.errors import DeadlineExceeded, ServiceUnavailable
from shared.runtime.backbone import correlation_id_of
from shared.runtime.consuming import GuardedQueueConsumer
from shared.runtime.kept_producers import KeptServiceProxy
from shared.runtime.logcontext import set_correlation_id

log = logging.getLogger(__name__)

DEFAULT_DEADLINE = 5.0
DEFAULT_REPLY_QUEUE_EXPIRES = 60.0


class ExpiringReplyListener(ReplyListener):
    queue_consumer = GuardedQueueConsumer()  # the connection the service's other consumers use

    def setup(self) -> None:
        super().setup()
        expires = float(self.container.config.get("RPC_REPLY_QUEUE_EXPIRES_SECONDS", DEFAULT_REPLY_QUEUE_EXPIRES))
        config = self.container.config
        self.queue = Queue(  # type: ignore[no-untyped-call]  # nameko's name and binding, our lifetime
            RPC_REPLY_QUEUE_TEMPLATE.format(self.container.service_name, self.routing_key),
            exchange=get_rpc_exchange(config), routing_key=self.routing_key, durable=False, auto_delete=True,
            queue_arguments={"x-queue-type": "classic", "x-expires": int(expires * 1000)})


class DeadlineRpc(RpcProxy):
    rpc_reply_listener = ExpiringReplyListener()

    def setup(self) -> None:
        self.deadline = float(self.container.config.get("RPC_DEADLINE_SECONDS", DEFAULT_DEADLINE))
        self.options.setdefault("expiration", self.deadline)
        super().setup()

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        set_correlation_id(correlation_id_of(worker_ctx))

    def worker_teardown(self, worker_ctx: WorkerContext) -> None:
        set_correlation_id(None)

    def get_dependency(self, worker_ctx: WorkerContext) -> "_DeadlineProxy":
        correlation_id_of(worker_ctx)  # so the id travels in the call's headers
        proxy = KeptServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **self.options)
        return _DeadlineProxy(proxy, self.target_service, self.deadline, self.container.config["AMQP_URI"])


class _DeadlineProxy:
    """nameko's service proxy, each method call bounded by the deadline."""

    def __init__(self, proxy: Any, service: str, deadline: float, amqp_uri: str) -> None:
        self._proxy, self._service, self._deadline, self._amqp_uri = proxy, service, deadline, amqp_uri

    def __getattr__(self, method: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            timer = eventlet.Timeout(self._deadline)
            try:
                return getattr(self._proxy, method).call_async(*args, **kwargs).result()
            except UnknownService:
                raise ServiceUnavailable(f"the {self._service} service is not available") from None
            except (OSError, OperationalError, AmqpConnectionError) as exc:  # the broker is away: a 503, not a 500
                log.warning("RPC to %s: the broker is not reachable: %s", self._service, exc)
                raise ServiceUnavailable(f"the {self._service} service is not reachable (no broker)") from None
            except eventlet.Timeout as exc:
                if exc is not timer:
                    raise
                if not self._has_consumers():
                    raise ServiceUnavailable(f"the {self._service} service is not available") from None
                raise DeadlineExceeded(
                    f"the {self._service} service did not answer within {self._deadline:g}s") from None
            finally:
                timer.cancel()
        return call

    def _has_consumers(self) -> bool:
        try:
            with eventlet.Timeout(1), Connection(self._amqp_uri) as conn:  # type: ignore[no-untyped-call]
                _, _, consumers = conn.default_channel.queue_declare(
                    queue=f"rpc-{self._service}", passive=True)
                return int(consumers) > 0
        except BaseException:  # queue missing, broker down or check too slow: treat as unavailable
            return False
