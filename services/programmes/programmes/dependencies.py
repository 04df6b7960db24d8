"""nameko dependencies of the programmes service."""
from programmes import models
from programmes.unit_of_work import ProgrammesUnitOfWork
from shared import plan
from shared.runtime.backbone import Backbone


class ProgrammesBackbone(Backbone):
    def setup(self) -> None:
        plan.plans()   # a plan with a bad reporting rule (shared.plan) stops the start, not a later entry
        super().setup()


def backbone() -> Backbone:
    return ProgrammesBackbone(ProgrammesUnitOfWork, models.outbox, models.inbox)
