"""nameko dependencies of the grants service."""
from grants import models
from grants.unit_of_work import GrantsUnitOfWork
from shared.runtime.backbone import Backbone


def backbone() -> Backbone:
    return Backbone(GrantsUnitOfWork, models.outbox, models.inbox)
