"""nameko dependencies of the programmes service."""
from shared.runtime.backbone import Backbone
from programmes import models
from programmes.unit_of_work import ProgrammesUnitOfWork


def backbone() -> Backbone:
    return Backbone(ProgrammesUnitOfWork, models.outbox, models.inbox)
