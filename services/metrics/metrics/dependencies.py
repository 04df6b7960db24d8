"""nameko dependencies of the metrics service."""
from collections.abc import Callable

from nameko.extensions import DependencyProvider

from metrics import handlers, models
from metrics.db import tune
from metrics.unit_of_work import MetricsUnitOfWork
from shared.events import Envelope
from shared.runtime.backbone import Backbone
from shared.runtime.batching import Batcher


class MetricsBackbone(Backbone):
    def setup(self):
        super().setup()
        tune(self.engine)


def backbone() -> Backbone:
    return MetricsBackbone(MetricsUnitOfWork, models.outbox, models.inbox)


class Projector(DependencyProvider):
    """`project(envelope)`: handlers.apply_event, grouped with the events delivered at the same
    time into one transaction (shared.runtime.batching: one BEGIN/COMMIT per batch instead of per
    event; each event keeps its own inbox claim, and a failed batch is re-done one event at a
    time). It returns, and the worker's delivery is acknowledged, only after that commit."""

    def setup(self) -> None:
        uows = next(d for d in self.container.dependencies if isinstance(d, Backbone))
        self.batcher: Batcher[Envelope, bool] = Batcher(
            lambda envelopes: handlers.apply_events(uows.make_uow(), envelopes), name="metrics projection batch")

    def get_dependency(self, worker_ctx) -> Callable[[Envelope], bool | None]:
        return self.batcher.submit
