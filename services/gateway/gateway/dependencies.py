"""nameko dependencies of the gateway: its database, the webhook dispatcher and the
progress view, given to routes and event handlers as `self.state`."""
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import eventlet
from nameko.extensions import DependencyProvider

from gateway import idempotency, webhooks
from gateway.feed import release_overdue as release_held_feed_events
from gateway.feed_batch import FeedBatcher
from gateway.iati import organisation as iati_organisation
from gateway.live import ClientGone, LiveProgress
from gateway.progress import ProgressView
from gateway.store import GatewayStore, Store, _flag

log = logging.getLogger(__name__)


@dataclass
class State:
    store: Store
    policy: webhooks.Policy
    progress: ProgressView
    live: LiveProgress
    wake_dispatcher: Callable[[], None]
    organisation: dict[str, str]
    feed: FeedBatcher


class GatewayState(DependencyProvider):

    store_extension = GatewayStore()

    def setup(self):
        config = self.container.config
        self.store = self.store_extension.ensure().store
        self.policy = webhooks.Policy(allow_http=bool(_flag(config.get("WEBHOOK_ALLOW_HTTP"))),
                                      allow_loopback=bool(_flag(config.get("WEBHOOK_ALLOW_LOOPBACK"))))
        self.dispatcher = webhooks.Dispatcher(
            self.store, self.policy,
            max_attempts=int(config.get("WEBHOOK_MAX_ATTEMPTS", 8)),
            backoff_base=float(config.get("WEBHOOK_BACKOFF_BASE", 2.0)),
            backoff_cap=float(config.get("WEBHOOK_BACKOFF_CAP", 3600.0)),
            timeout=float(config.get("WEBHOOK_TIMEOUT_SECONDS", 5.0)),
            egress_proxy=config.get("WEBHOOK_EGRESS_PROXY") or None)
        self.poll_interval = float(config.get("WEBHOOK_POLL_SECONDS", 0.5))
        logging.getLogger("nameko.web.server").addFilter(ClientGone())
        self.live = LiveProgress(max_streams=int(config.get("DASHBOARD_MAX_STREAMS", 200)),
                                 heartbeat=float(config.get("DASHBOARD_HEARTBEAT_SECONDS", 15)),
                                 lifetime=float(config.get("DASHBOARD_STREAM_SECONDS", 300)))
        self.progress = ProgressView(float(config.get("PROGRESS_FALLBACK_TTL", 1.0)), on_change=self.live.notify)
        self.rpc_deadline = float(config.get("RPC_DEADLINE_SECONDS", 5))
        self.idempotency_ttl = float(config.get("IDEMPOTENCY_TTL_HOURS", 24))
        self.organisation = iati_organisation.from_config(config)
        self.feed = FeedBatcher(self.store)
        self._wake = threading.Event()
        self._running = False

    def start(self):
        self._running = True
        self.container.spawn_managed_thread(self._dispatch_loop, identifier="webhook-dispatcher")
        self.container.spawn_managed_thread(self._fill_progress, identifier="progress-fill")

    def stop(self):
        self._running = False
        self._wake.set()

    def kill(self):
        self.stop()

    def wake(self):
        self._wake.set()

    def get_dependency(self, worker_ctx):
        return State(store=self.store, policy=self.policy, progress=self.progress, live=self.live,
                     wake_dispatcher=self.wake, organisation=self.organisation, feed=self.feed)

    def _dispatch_loop(self):
        pool = eventlet.GreenPool(10)
        passes = 0
        while self._running:
            self._wake.clear()
            busy = False
            try:
                if passes % 20 == 0:  # feed events held for a predecessor that never came
                    release_held_feed_events(self.store)
                busy = self.dispatcher.run_once(pool) >= self.dispatcher.batch
                passes += 1
                if passes % 7200 == 1:
                    idempotency.purge(self.store, self.idempotency_ttl)
            except Exception:
                log.warning("webhook dispatcher pass failed; retrying", exc_info=True)
            if not busy:
                self._wake.wait(timeout=self.poll_interval)

    def _fill_progress(self):
        """One metrics.get_progress per plan, so a fresh replica has a view at once. Waits
        (a while) for the metrics service to be there rather than leaving a call hanging."""
        from nameko.standalone.rpc import ClusterRpcProxy

        from gateway.progress import plan_ids
        amqp_uri = self.container.config["AMQP_URI"]
        eventlet.sleep(0.5)  # let the entrypoints (and the broadcast queue) start first
        for attempt in range(8):
            if not self._running:
                return
            if _has_consumers(amqp_uri, "rpc-metrics"):
                try:
                    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=self.rpc_deadline) as rpc:
                        for plan_id in plan_ids():
                            self.progress.put(plan_id, rpc.metrics.get_progress(plan_id), from_event=False)
                    return
                except Exception:
                    log.info("progress view: metrics did not answer (attempt %d)", attempt + 1)
            eventlet.sleep(min(30, 2 ** attempt))


def _has_consumers(amqp_uri: str, queue: str) -> bool:
    from kombu import Connection
    try:
        with eventlet.Timeout(2), Connection(amqp_uri) as conn:
            _, _, consumers = conn.default_channel.queue_declare(queue=queue, passive=True)
            return consumers > 0
    except (Exception, eventlet.Timeout):  # no such queue yet, broker busy: not now
        return False
