"""Use cases of the metrics service: event projections, queries, publishing the progress,
reconcile and rebuild. Plain functions of a unit of work."""
from __future__ import annotations

import logging
from typing import Any

from metrics import as_of as dated
from metrics import clock, domain, plans, recompute, registry, schemas
from metrics.unit_of_work import MetricsUnitOfWork, PlansNotReady
from shared import failpoints
from shared import plan as shared_plan
from shared.errors import InvalidInput, NotFound, validate
from shared.events import Envelope
from shared.events.fields import utcnow
from shared.uow import DuplicateEvent

log = logging.getLogger(__name__)


def apply_event(uow: MetricsUnitOfWork, envelope: Envelope) -> bool:
    """Project one event exactly once, with its inbox record in the same transaction.
    Returns False for a duplicate (already in the inbox)."""
    return apply_events(uow, [envelope])[0]


def apply_events(uow: MetricsUnitOfWork, envelopes: list[Envelope]) -> list[bool]:
    """Project several events in ONE transaction (the events delivered together: the service's
    `Projector`), each with its own inbox record, so a duplicate (already in the inbox, or twice
    in `envelopes`) is skipped alone. Returns `apply_event`'s answer for each, in order; an error
    rolls back all of them."""
    for attempt in (1, 2):
        try:
            with uow:
                uow.projection.lock_plans()
                applied = []
                for envelope in envelopes:
                    try:
                        uow.record_inbox(envelope)
                    except DuplicateEvent:
                        applied.append(False)
                        continue
                    registry.project(uow.projection, envelope.type, envelope.payload)
                    applied.append(True)
                failpoints.hit("metrics.apply_events.before_commit")   # tests: =raise: a crash mid-batch
                uow.commit()
            return applied
        except PlansNotReady:
            if attempt == 2:
                raise
            ensure_plans(uow)
    return []  # pragma: no cover


def ensure_plans(uow: MetricsUnitOfWork) -> list[str]:
    """Build the aggregates of plans that are new or changed, from the stored facts."""
    with uow:
        rebuilt = uow.projection.ensure_plans()
        uow.commit()
    if rebuilt:
        log.info("built the aggregates of plan(s) %s from the stored facts", ", ".join(rebuilt))
    return rebuilt


# --- queries -------------------------------------------------------------------------------------

def get_plan(plan_id: str | None = None) -> dict:
    return schemas.PlanOut().dump(plans.resolve(plan_id).raw)


def list_plans() -> list[dict]:
    return [{"id": p["id"], "title": p["title"], "period": p["period"], "deadline": p["objective"]["deadline"]}
            for _, p in sorted(shared_plan.plans().items())]


def _query(plan_id, as_of):
    if hasattr(as_of, "isoformat"):
        as_of = as_of.isoformat()
    args = validate(schemas.ProgressQuery(), {k: v for k, v in (("plan", plan_id), ("as_of", as_of))
                                              if v is not None})
    return plans.resolve(args.get("plan")), args.get("as_of")


def get_progress(uow: MetricsUnitOfWork, plan_id: str | None = None, as_of=None) -> dict:
    plan, day = _query(plan_id, as_of)
    with uow:
        snap = dated.snapshot(uow.projection, plan, day)
        revision = uow.projection.published_revision(plan.id)
    return domain.progress(plan, snap, today=day or clock.today(), as_of=day, revision=revision)


def get_breakdown(uow: MetricsUnitOfWork, dimension: str, plan_id: str | None = None, as_of=None) -> dict:
    if dimension not in domain.DIMENSIONS:
        raise NotFound("dimension", dimension)
    plan, day = _query(plan_id, as_of)
    with uow:
        snap = dated.snapshot(uow.projection, plan, day, cells=dimension != "fund", dims=True, applications=False)
    return domain.breakdown(plan, snap, dimension, today=day or clock.today(), as_of=day)


def get_history(uow: MetricsUnitOfWork, plan_id: str | None = None, as_of=None) -> dict:
    plan, day = _query(plan_id, as_of)
    with uow:
        snap = dated.snapshot(uow.projection, plan, day, applications=False)
    return domain.history(plan, snap, today=day or clock.today(), as_of=day)


def get_pipeline(uow: MetricsUnitOfWork, plan_id: str | None = None, as_of=None) -> dict:
    plan, day = _query(plan_id, as_of)
    with uow:
        snap = dated.snapshot(uow.projection, plan, day, dims=True)
    return domain.pipeline(plan, snap, today=day or clock.today(), as_of=day)


# --- publishing ----------------------------------------------------------------------------------

def publish_progress(uow: MetricsUnitOfWork, plan_id: str, includes=()) -> int | None:
    """Emit objective.progress_changed for a plan if its progress differs from the last one
    published, or if it includes writes (`includes`: their correlation ids) the subscribers
    wait for; returns the new revision, or None when nothing was published. The figures are
    read under the lock of the plan's publishing row, so the revision order is the order of states."""
    plan = plans.resolve(plan_id)
    with uow:
        held = uow.projection.lock_published(plan.id)
        snap = uow.projection.snapshot(plan)
        revision = held.revision + 1
        body = domain.progress(plan, snap, today=clock.today(), as_of=None, revision=revision)
        digest = domain.body_hash(body)
        if digest == held.body_hash and not includes:
            return None
        uow.emit("objective.progress_changed", {"plan_id": plan.id, "revision": revision, "computed_at": utcnow(),
                                                "progress": body, "includes": list(includes)})
        uow.projection.set_published(plan.id, revision, digest)
        uow.commit()
    return revision


# --- reconcile and rebuild -----------------------------------------------------------------------

def reconcile(uow: MetricsUnitOfWork, events, *, examples: int = 5) -> dict:
    """Recompute every plan from the sources' events (commit order) and compare with the
    projection. Returns a drift report: {"drift": bool, "events": n, "plans": {...}, "versions":
    {"unexpected": [...], "missing": [...]}} (result versions and their valid time, examples)."""
    events = list(events)
    state = recompute.fold(events)
    plans_report: dict[str, Any] = {}
    report: dict[str, Any] = {"drift": False, "events": len(events), "results": len(state.results),
                              "plans": plans_report}
    today = clock.today()
    with uow:
        for plan in plans.current().values():
            actual = uow.projection.snapshot(plan, cells=True, dims=True)
            expected = recompute.snapshot(plan, state)
            parts = {}
            a, e = actual.canonical(), expected.canonical()
            for part in a:
                have, want = set(map(repr, a[part])), set(map(repr, e[part]))
                if have != want:
                    parts[part] = {"unexpected": len(have - want), "missing": len(want - have),
                                   "examples": {"unexpected": sorted(have - want)[:examples],
                                                "missing": sorted(want - have)[:examples]}}
            got = domain.progress(plan, actual, today=today, as_of=None)["figures"]
            should = domain.progress(plan, expected, today=today, as_of=None)["figures"]
            figures = [{"code": code, "projected": got.get(code), "recomputed": should.get(code)}
                       for code in sorted(set(got) | set(should)) if got.get(code) != should.get(code)]
            drift = bool(parts or figures)
            report["drift"] |= drift
            plans_report[plan.id] = {"drift": drift, "figures": figures, "rows": parts}
        # the valid-time history behind as_of: every version with its interval
        have = set(map(repr, uow.projection.stored_versions()))
        want = set(map(repr, uow.projection.version_keys(list(state.versions.values()))))
        report["versions"] = {"unexpected": sorted(have - want)[:examples], "missing": sorted(want - have)[:examples]}
        report["drift"] |= have != want
    return report


def rebuild(uow: MetricsUnitOfWork, events=None) -> dict:
    """Replace the projections: from the sources' events when given (facts and aggregates), else
    the aggregates from the stored facts. Holds the plans' rows exclusively meanwhile, so event
    handlers (which take them shared) wait and then apply on top of the rebuilt state."""
    fresh = set(ensure_plans(uow))   # built from the stored facts just now: not built twice
    with uow:
        uow.projection.lock_plans(exclusive=True)
        if events is not None:
            state = recompute.fold(events)
            uow.projection.replace_facts(state)
            counts = {"results": len(state.results), "programmes": len(state.programmes),
                      "money_transactions": len(state.money), "applications": len(state.applications)}
        else:
            uow.projection.rebuild_money()
            for plan in uow.projection.plans.values():
                if plan.id not in fresh:
                    uow.projection.rebuild_plan(plan)
            counts = {}
        uow.commit()
    return {"rebuilt": sorted(plans.current()), **counts}


__all__ = ["apply_event", "apply_events", "ensure_plans", "get_plan", "list_plans", "get_progress", "get_breakdown",
           "get_history", "get_pipeline", "publish_progress", "reconcile", "rebuild", "InvalidInput"]
