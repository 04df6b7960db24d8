"""nameko dependencies of the programmes service."""
from programmes import models
from programmes.unit_of_work import ProgrammesUnitOfWork
from shared.runtime.backbone import Backbone


def backbone() -> Backbone:
    return Backbone(ProgrammesUnitOfWork, models.outbox, models.inbox)
