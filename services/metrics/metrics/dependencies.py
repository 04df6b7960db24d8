"""nameko dependencies of the metrics service."""
from shared.runtime.backbone import Backbone
from metrics import models
from metrics.unit_of_work import MetricsUnitOfWork


def backbone() -> Backbone:
    return Backbone(MetricsUnitOfWork, models.outbox, models.inbox)
