"""Event projections and queries of the metrics service."""
from shared import plan as plans
from shared.errors import NotFound
from shared.events import Envelope
from shared.events.fields import utcnow
from shared.uow import DuplicateEvent
from metrics import domain, schemas

PROJECTIONS = {
    "programme.created": lambda facts, p: facts.put_programme(p),
    "result.recorded": lambda facts, p: facts.put_result(p),   # deprecated: counted as approved version 1
    "result.approved": lambda facts, p: facts.put_result_version(p),
    "result.revised": lambda facts, p: facts.put_result_version(p),   # replaces, never adds
    "grant.awarded": lambda facts, p: facts.put_grant(p),     # deprecated: replaced by grant.committed
    "grant.committed": lambda facts, p: facts.put_grant(p),
}


def apply_event(uow, envelope: Envelope) -> bool:
    """Project one event, exactly once: returns False for a duplicate."""
    with uow:
        try:
            uow.record_inbox(envelope)
        except DuplicateEvent:
            return False
        PROJECTIONS[envelope.type](uow.facts, envelope.payload)
        uow.commit()
    return True


def _plan(plan_id: str | None) -> dict:
    available = plans.plans()
    if plan_id is None:
        return available[sorted(available)[0]]
    if plan_id not in available:
        raise NotFound("plan", plan_id)
    return available[plan_id]


def get_plan(plan_id: str | None = None) -> dict:
    return schemas.PlanOut().dump(_plan(plan_id))


def list_plans() -> list[dict]:
    return [{"id": p["id"], "title": p["title"]} for p in plans.plans().values()]


def get_progress(uow, plan_id: str | None = None) -> dict:
    plan = _plan(plan_id)
    with uow:
        figures = {t["code"]: uow.facts.figure(t) for t in plan["objective"]["targets"]}
        result = domain.progress(plan, figures, as_of=utcnow(), money=uow.facts.committed_money(),
                                 updated_at=uow.facts.last_update())
    return schemas.ProgressOut().dump(result)
