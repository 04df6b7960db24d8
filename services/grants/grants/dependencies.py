"""nameko dependencies of the grants service."""
from shared.runtime.backbone import Backbone
from grants import models
from grants.unit_of_work import GrantsUnitOfWork


def backbone() -> Backbone:
    return Backbone(GrantsUnitOfWork, models.outbox, models.inbox)
