"""Coalesced publishing of objective.progress_changed.

Every applied event marks the plans changed; a managed greenthread publishes a changed plan at
once when it is idle (the leading edge: an isolated change is out in one publish's time), and
coalesces only what arrives while the plan is being published into one publish right after it.
PROGRESS_PUBLISH_INTERVAL (default 0.02 s) is the least time between the starts of two publishes
of a plan, so a burst of N events yields at most (burst duration / max(interval, publish time) + 1)
messages per plan and replica, and the last state is always published. Publishing goes through
the outbox (never lost) and is skipped when the progress equals the last published one (e.g. another replica got there
first). At start-up every plan is checked (a replica that died between commit and publish is
caught up by any replica), and the `reevaluate` timer re-checks every plan, so time-dependent
status (on_track, at_risk, ...) is published when the date moves it."""
from __future__ import annotations

import logging
import threading
import time

from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from metrics import handlers, plans
from shared.events.contracts.metrics import MAX_INCLUDES
from shared.runtime.backbone import Backbone

log = logging.getLogger(__name__)


class Coalescer:
    """When may each changed plan be published? Pure (clock injected)."""

    def __init__(self, interval: float, clock=time.monotonic):
        self.interval, self.clock = float(interval), clock
        self.dirty: set = set()
        self.last: dict = {}          # when each plan's latest publish started
        self.publishing: set = set()
        self.includes: dict = {}      # plan -> correlation ids applied since it was last taken

    def mark(self, plan_ids, includes=()) -> None:
        self.dirty.update(plan_ids)
        for plan_id in plan_ids if includes else ():
            kept = self.includes.setdefault(plan_id, [])
            kept.extend(includes)
            del kept[:-MAX_INCLUDES]

    def take_includes(self, plan_id) -> list:
        """The correlation ids marked for a plan since it was last taken (call after take_due:
        everything marked before the publish reads the figures is in them)."""
        return self.includes.pop(plan_id, [])

    def _ready_at(self, plan_id) -> float:
        if plan_id in self.publishing:
            return float("inf")       # coalesced into the publish right after this one
        last = self.last.get(plan_id)
        return float("-inf") if last is None else last + self.interval

    def take_due(self) -> list:
        """The changed plans that are idle (not being published, and `interval` since their last
        publish started); they are no longer marked (a change arriving while they are published
        marks them again) and count as being published until `published`."""
        now = self.clock()
        due = sorted(p for p in self.dirty if self._ready_at(p) <= now)
        self.dirty.difference_update(due)
        self.publishing.update(due)
        self.last.update((p, now) for p in due)
        return due

    def published(self, plan_id) -> None:
        self.publishing.discard(plan_id)

    def next_wait(self) -> float | None:
        """Seconds until the next changed plan is due (0: now); None when nothing changed (or
        every changed plan is being published: `published` is followed by another look)."""
        ready = [self._ready_at(p) for p in self.dirty if p not in self.publishing]
        if not ready:
            return None
        return max(0.0, min(ready) - self.clock())


class ProgressPublisher(DependencyProvider):
    """Injects an object with `changed()` (call after an applied event) and `reevaluate()`."""

    def setup(self):
        config = self.container.config
        self.interval = float(config.get("PROGRESS_PUBLISH_INTERVAL", 0.02))
        self.coalescer = Coalescer(self.interval)
        self._wake = threading.Event()
        self._running = False
        self.published = 0

    def _backbone(self) -> Backbone:
        return next(d for d in self.container.extensions if isinstance(d, Backbone))

    def start(self):
        self._running = True
        self.container.spawn_managed_thread(self._loop, identifier="progress-publisher")

    def stop(self):
        self._running = False
        self._wake.set()

    def kill(self):
        self.stop()

    def changed(self, correlation_id: str | None = None):
        """After an applied event; its correlation id (the write's consistency token) goes out
        with the next publish of each plan."""
        self.coalescer.mark(plans.current(), [correlation_id] if correlation_id else ())
        self._wake.set()

    def reevaluate(self):
        self.changed()

    def get_dependency(self, worker_ctx):
        return self

    def _loop(self):
        backbone = self._backbone()
        try:
            handlers.ensure_plans(backbone.make_uow())
        except Exception:
            log.warning("could not build the aggregates of the plans at start-up", exc_info=True)
        self.changed()   # publish whatever changed while no replica was publishing
        while self._running:
            wait = self.coalescer.next_wait()
            if wait is None or wait > 0:
                self._wake.wait(timeout=wait if wait is not None else 1.0)
                self._wake.clear()
            for plan_id in self.coalescer.take_due():
                if not self._running:
                    break
                includes = self.coalescer.take_includes(plan_id)
                try:
                    if handlers.publish_progress(backbone.make_uow(), plan_id, includes) is not None:
                        self.published += 1
                except Exception:
                    log.warning("could not publish the progress of %s; retrying", plan_id, exc_info=True)
                    self.coalescer.mark([plan_id], includes)
                finally:
                    self.coalescer.published(plan_id)


class ConfiguredTimer(Timer):
    """nameko's timer with its interval read from the service config at setup."""

    interval: float

    def __init__(self, config_key: str, default: float, **kwargs):
        self.config_key = config_key
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        super().setup()


configured_timer = ConfiguredTimer.decorator
