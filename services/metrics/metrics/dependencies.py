"""nameko dependencies of the metrics service."""
from metrics import models
from metrics.db import tune
from metrics.unit_of_work import MetricsUnitOfWork
from shared.runtime.backbone import Backbone


class MetricsBackbone(Backbone):
    def setup(self):
        super().setup()
        tune(self.engine)


def backbone() -> Backbone:
    return MetricsBackbone(MetricsUnitOfWork, models.outbox, models.inbox)
